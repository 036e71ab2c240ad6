package io.mailgate.template;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.security.Scopes;
import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;

/**
 * The judge of Extra Horizon compatibility: the official {@code @extrahorizon/javascript-sdk} (pinned in
 * src/test/node/package.json) drives a running Mailgate through every method of its mails,
 * templatesV2, templates and localizations modules, and its own login (src/test/node/sdk/*.test.cjs).
 *
 * <p>Two gateways: one delivering to its outbox (the tests read tracking links there), and one whose
 * SMTP server never answers, so that a mail stays waiting for findOutbound to show it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtraHorizonSdkIT {

    private static final Path TESTS = Path.of("src/test/node/sdk");
    private static final String PASSWORD = "Sdk-password-1";

    private MailgateInstance gateway;
    private MailgateInstance stalled;
    private ServerSocket silentSmtp;
    private final Map<String, String> environment = new HashMap<>();

    @BeforeAll
    void start() throws IOException {
        gateway = MailgateInstance.start(Map.of());
        // Accepts connections and never speaks: a delivery waits, then is deferred for ten minutes.
        silentSmtp = new ServerSocket(0);
        stalled = MailgateInstance.start(Map.of("mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", String.valueOf(silentSmtp.getLocalPort()),
                "mailgate.delivery.retry-schedule", "10m"));
        Api api = gateway.api();
        environment.put("EXH_OUTBOX", gateway.outbox().toString());
        String admin = user(api, "sdk-admin", Scopes.ALL.stream().toList());
        environment.put("EXH_USER_ID", admin);
        login(api, "EXH", gateway, "sdk-admin");
        user(api, "sdk-reader", List.of("mail:read", "template:read"));
        login(api, "EXH_READER", gateway, "sdk-reader");
        JsonNode other = client(api);
        environment.put("EXH_OTHER_CLIENT_ID", other.get("client_id").asText());
        environment.put("EXH_OTHER_CLIENT_SECRET", other.get("client_secret").asText());
        user(stalled.api(), "sdk-admin", Scopes.ALL.stream().toList());
        login(stalled.api(), "EXH_STALLED", stalled, "sdk-admin");
    }

    @AfterAll
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (stalled != null) {
            stalled.close();
        }
        if (silentSmtp != null) {
            silentSmtp.close();
        }
    }

    @Test
    void theOfficialSdkWorksUnchanged() throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "--dns-result-order=ipv4first", "--test", "--test-concurrency=1",
                "--test-reporter=spec"));
        try (Stream<Path> files = Files.list(TESTS)) {
            files.filter(file -> file.getFileName().toString().endsWith(".test.cjs")).sorted().forEach(file -> command.add(file.toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("NODE_PATH", Path.of("src/test/node/node_modules").toAbsolutePath().toString());
        Process node = builder.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!node.waitFor(10, TimeUnit.MINUTES)) {
            node.destroyForcibly();
        }
        System.out.println(output);
        assertEquals(0, node.exitValue(), "The SDK tests failed:\n" + output);
    }

    @Test
    void anUnknownPathOrMethodIsAnsweredInJsonInItsFamilysDialect() {
        Api api = gateway.api();
        String token = api.rootToken();
        for (String path : List.of("/nothing/here", "/mail/v2/", "/templates/v3/x", "/localizations/v1/countries/BE/cities")) {
            Api.Response missing = api.get(path, token);
            assertEquals(404, missing.status(), path);
            assertEquals("application/json", missing.header("Content-Type"), path);
            assertEquals(16, missing.json().get("code").asInt(), path);
            assertEquals("RESOURCE_UNKNOWN_EXCEPTION", missing.json().get("name").asText(), path);
        }
        Api.Response fidesops = api.get("/api/v1/nothing", token);
        assertEquals(404, fidesops.status());
        assertEquals("Not Found", fidesops.json().get("detail").asText());
        Api.Response wrongMethod = api.send(api.request("/mail/v1/health", token).PUT(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, wrongMethod.status());
        assertEquals(16, wrongMethod.json().get("code").asInt());
        Api.Response regions = api.get("/localizations/v1/countries/XX/regions", token);
        assertEquals(404, regions.status());
        assertEquals(16, regions.json().get("code").asInt());
    }

    private static String user(Api api, String username, List<String> scopes) {
        return api.createUser(username, PASSWORD, scopes);
    }

    private static JsonNode client(Api api) {
        Api.Response created = api.postJson("/api/v1/oauth/client", api.rootToken(), Scopes.ALL.stream().sorted().toList());
        assertEquals(200, created.status(), created.body());
        return created.json();
    }

    /** What the SDK needs to log a user in: the host (with "localhost", which the SDK keeps as is) and a client. */
    private void login(Api api, String prefix, MailgateInstance instance, String username) {
        JsonNode client = client(api);
        environment.put(prefix + "_HOST", "http://localhost:" + instance.port());
        environment.put(prefix + "_CLIENT_ID", client.get("client_id").asText());
        environment.put(prefix + "_CLIENT_SECRET", client.get("client_secret").asText());
        environment.put(prefix + "_USERNAME", username);
        environment.put(prefix + "_PASSWORD", PASSWORD);
    }
}
