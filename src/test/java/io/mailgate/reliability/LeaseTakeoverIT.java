package io.mailgate.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.MailgateProcess;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.Waiter;

/**
 * Two instances on one PostgreSQL: the first is killed (SIGKILL) while it holds a mail mid-send, and
 * the second takes the mail over once the first one's lease has run out — seconds, not the ten
 * minutes a claim timeout used to take.
 */
class LeaseTakeoverIT {

    private static final Duration LEASE = Duration.ofSeconds(3);

    @Test
    void anotherInstanceTakesOverADeadInstancesMailWithinTheLease() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        List<Socket> held = new ArrayList<>();
        // An SMTP server that accepts and never answers: the first instance's delivery hangs mid-send.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();

            Path dataDir = MailgateInstance.tempDir();
            Files.createDirectories(Path.of("target/test-logs"));
            Map<String, String> extra = new HashMap<>(TestDatabase.POSTGRES.environment());
            extra.put("MAILGATE_DELIVERY_LEASE", LEASE.toMillis() + "ms");
            extra.put("MAILGATE_DELIVERY_INSTANCE_ID", "first");
            MailgateProcess first = MailgateProcess.start(MailgateProcess.environment(dataDir, silent.getLocalPort(), extra),
                    Path.of("target/test-logs/lease-takeover.log"));
            String id;
            try {
                Api api = first.api();
                String token = api.rootToken();
                id = api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("takeover@example.com")),
                        "subject", "Taken over", "body", "x")).json().get("id").asText();
                Waiter.until(Duration.ofSeconds(20), "the first instance to hold the mail mid-send", () ->
                        "sending".equals(mail(api, token, id).get("status").asText()));
            } finally {
                first.kill();
            }
            long killedAt = System.nanoTime();

            try (MailgateInstance second = MailgateInstance.start(TestDatabase.POSTGRES, Map.of(
                    "mailgate.smtp.host", "127.0.0.1",
                    "mailgate.smtp.port", Integer.toString(smtp.getSmtp().getPort()),
                    "mailgate.delivery.instance-id", "second",
                    "mailgate.delivery.lease", LEASE.toMillis() + "ms",
                    "mailgate.delivery.sweep-interval-ms", "500"))) {
                Api api = second.api();
                String token = api.rootToken();
                Waiter.until(Duration.ofSeconds(30), "the second instance to deliver the mail",
                        () -> smtp.getReceivedMessages().length == 1);
                long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("LEASE TAKEOVER: delivered by the second instance %d ms after the first was killed "
                        + "(lease %d ms)%n", tookMillis, LEASE.toMillis());
                assertTrue(tookMillis < LEASE.toMillis() + 15_000, "took " + tookMillis + " ms");
                JsonNode sent = mail(api, token, id);
                Waiter.until(Duration.ofSeconds(10), "the record to say sent", () -> "sent".equals(mail(api, token, id)
                        .get("status").asText()));
                sent = mail(api, token, id);
                assertEquals(2, sent.get("attempts").asInt(), "the killed attempt and the one that delivered: " + sent);
                assertEquals("<" + id + "@localhost>", smtp.getReceivedMessages()[0].getMessageID());
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
            smtp.stop();
        }
    }

    private static JsonNode mail(Api api, String token, String id) {
        return api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data").get(0);
    }
}
