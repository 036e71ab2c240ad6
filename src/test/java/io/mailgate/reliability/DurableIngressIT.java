package io.mailgate.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.MailgateProcess;
import io.mailgate.support.QueueProducer;
import io.mailgate.support.Waiter;

/**
 * An AMQP producer that does not ask for durability (its default) drops 300 mails on the queue; the
 * gateway is killed with SIGKILL right after the broker accepted the last one. After the restart every
 * accepted message has become exactly one mail: accepted means stored, and a redelivered message finds its mail.
 */
class DurableIngressIT {

    private static final int MESSAGES = 300;

    @Test
    void everyMessageTheBrokerAcceptedSurvivesAKillNine() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Path dataDir = MailgateInstance.tempDir();
        Files.createDirectories(Path.of("target/test-logs"));
        Path log = Path.of("target/test-logs/durable-ingress.log");
        // One consumer: most messages are still on the queue when the gateway dies.
        Map<String, String> environment = MailgateProcess.environment(dataDir, smtp.getSmtp().getPort(),
                Map.of("MAILGATE_QUEUE_CONSUMERS", "1"));
        String run = "durable-" + Long.toHexString(System.nanoTime());
        try {
            MailgateProcess first = MailgateProcess.start(environment, log);
            try (QueueProducer producer = QueueProducer.amqpAccepted(Integer.parseInt(environment.get("MAILGATE_BROKER_PORT")))) {
                for (int i = 0; i < MESSAGES; i++) {
                    producer.sendNonPersistent(Api.write(Map.of("recipients", Map.of("to", List.of("d" + i + "@example.com")),
                            "subject", run + " " + i, "body", "x")), Map.of());
                }
            } finally {
                first.kill();
            }
            MailgateProcess second = MailgateProcess.start(environment, log);
            try {
                Api api = second.api();
                String token = api.rootToken();
                try {
                    Waiter.until(Duration.ofSeconds(90), "every accepted message stored and delivered", () -> api.get(
                            "/mail/v1/?like(subject," + run + "*)&eq(status,sent)&limit(1)", token).json().get("page").get("total")
                            .asInt() >= MESSAGES);
                } catch (AssertionError timeout) {
                    for (String status : List.of("queued", "sending", "sent", "failed")) {
                        System.out.println("DURABLE INGRESS: " + status + " " + api.get("/mail/v1/?like(subject," + run
                                + "*)&eq(status," + status + ")&limit(3)", token).body());
                    }
                    throw timeout;
                }
                java.util.Map<String, Integer> copies = new java.util.HashMap<>();
                int total = api.get("/mail/v1/?like(subject," + run + "*)&limit(1)", token).json().get("page").get("total").asInt();
                for (int offset = 0; offset < total; offset += 50) {
                    for (var mail : api.get("/mail/v1/?like(subject," + run + "*)&limit(50," + offset + ")", token).json().get("data")) {
                        copies.merge(mail.get("subject").asText(), 1, Integer::sum);
                    }
                }
                assertEquals(MESSAGES, copies.size(), "a mail for every accepted message");
                // The message being stored at the kill comes back (its acknowledgement was lost with the process)
                // under its AMQP message-id, the same idempotency key: it finds its mail, it makes no second one.
                assertEquals(MESSAGES, total, "every accepted message became exactly one mail");
            } finally {
                second.terminate(Duration.ofSeconds(20));
            }
        } finally {
            smtp.stop();
        }
    }
}
