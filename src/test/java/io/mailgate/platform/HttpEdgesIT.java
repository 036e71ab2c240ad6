package io.mailgate.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Mails;
import io.mailgate.support.Waiter;

/**
 * The HTTP edges a hostile or broken client finds: dot segments are not routed as the path they
 * normalise to, a body that never arrives costs a connection only for the read timeout, a template
 * subject cannot carry a line break into a header, an outbox cannot point outside its root, and a
 * stopping gateway answers 503 with a body.
 */
class HttpEdgesIT {

    @Test
    void theEdgesHold() throws Exception {
        Path root = MailgateInstance.tempDir();
        MailgateInstance mailgate = MailgateInstance.start(Map.of("mailgate.http.read-timeout-ms", "500",
                "mailgate.outbox.allowed-root", root.toString()));
        List<String> whileStopping = new ArrayList<>();
        try {
            Api api = mailgate.api();
            String token = api.rootToken();

            // DELETE …/dataset/.. is not a DELETE of the connection.
            Api.Response created = api.send(api.request("/api/v1/connection", token).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("[{\"key\":\"edge_connector\",\"name\":\"Edge\","
                            + "\"connection_type\":\"email\",\"access\":\"write\"}]")));
            assertEquals(200, created.status(), created.body());
            for (String path : List.of("/api/v1/connection/edge_connector/dataset/..", "/api/v1/connection/edge_connector/dataset/%2e%2e",
                    "/api/v1/connection/edge_connector/./dataset/x")) {
                Api.Response deleted = api.delete(path, token);
                assertEquals(404, deleted.status(), path + ": " + deleted.body());
                assertEquals("{\"detail\":\"Not Found\"}", deleted.body());
            }
            assertEquals(200, api.get("/api/v1/connection/edge_connector", token).status(), "the connection is still there");

            // A body announced and never sent: 408 and the connection closed after the read timeout.
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), mailgate.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /mail/v1/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"subj").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long start = System.nanoTime();
                InputStream in = socket.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                long took = (System.nanoTime() - start) / 1_000_000;
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
                assertTrue(took < 5_000, "closed after " + took + " ms");
            }

            // A subject becomes a header: one line only, refused when the template is saved.
            Api.Response template = api.postJson("/templates/v2/", token, Map.of("name", "edge-subject", "inputs", Map.of(),
                    "outputs", Map.of("subject", "Hi\r\nBcc: victim@example.com", "body", "<p>x</p>")));
            assertEquals(400, template.status(), template.body());
            assertTrue(template.body().contains("outputs.subject"), template.body());

            // An erasure rule names a masking strategy Mailgate has.
            api.send(api.request("/api/v1/policy", token).header("Content-Type", "application/json").method("PATCH",
                    HttpRequest.BodyPublishers.ofString(Api.write(List.of(Map.of("name", "Edge", "key", "edge_policy"))))));
            Api.Response rule = api.send(api.request("/api/v1/policy/edge_policy/rule", token).header("Content-Type",
                    "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(List.of(Map.of(
                    "name", "Edge rule", "key", "edge_rule", "action_type", "erasure",
                    "masking_strategy", Map.of("strategy", "rot13", "configuration", Map.of())))))));
            assertTrue(rule.status() == 422 || rule.body().contains("does not exist"), rule.status() + " " + rule.body());
            assertTrue(rule.body().contains("rot13") && rule.body().contains("Valid strategies"), rule.body());

            // An outbox only under its root.
            Mails mails = new Mails(api, token);
            for (String directory : List.of("../../etc", "/etc", root + "/../elsewhere", "sub/../../x")) {
                Api.Response refused = api.postJson("/api/v1/email/config", token, Map.of("name", "edge outbox", "service_type",
                        "outbox", "details", Map.of("directory", directory)));
                assertEquals(422, refused.status(), directory + ": " + refused.body());
            }
            mails.configure("edge-outbox", "outbox", Map.of("directory", "inside"), 1, Map.of());
            String id = mails.send(Map.of("recipients", Map.of("to", List.of("edge@example.com")), "subject", "Inside", "body", "x"));
            mails.awaitStatus(id, "sent");
            assertTrue(Files.exists(root.resolve("inside").resolve(id + ".eml")), "written under the root");

            // While it stops, answers are 503 with a body, or the port is closed.
            AtomicBoolean polling = new AtomicBoolean(true);
            Thread poller = new Thread(() -> {
                while (polling.get()) {
                    try {
                        Api.Response answer = api.get("/mail/v1/health", null);
                        if (answer.status() != 200) {
                            whileStopping.add(answer.status() + " " + answer.body());
                        }
                    } catch (RuntimeException closed) {
                        return;
                    }
                }
            });
            poller.start();
            mailgate.close();
            polling.set(false);
            poller.join(5_000);
        } finally {
            mailgate.close();
        }
        for (String answer : whileStopping) {
            assertTrue(answer.startsWith("503 {") && answer.contains("stopping"), "an answer while stopping: " + answer);
        }
        assertFalse(whileStopping.stream().anyMatch(a -> a.startsWith("404") || a.startsWith("500")), whileStopping.toString());
    }
}
