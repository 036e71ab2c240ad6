package io.mailgate.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Mails;
import io.mailgate.support.SmtpFaults;
import io.mailgate.support.Waiter;

/**
 * The database goes away while mails are being delivered and retried: every request answers 503 with
 * Retry-After within the pool's connection timeout (never a 500, never a 5 s wait), and once the
 * database is back every mail is delivered and none is left in "sending".
 */
class DatabaseOutageIT {

    @Test
    void aDatabaseOutageAnswers503QuicklyAndLeavesNothingInSending() throws Exception {
        Path dir = MailgateInstance.tempDir();
        int port = MailgateInstance.freePort();
        String[] server = {"-tcpPort", Integer.toString(port), "-ifNotExists", "-baseDir", dir.toString()};
        Server h2 = Server.createTcpServer(server).start();
        String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/outage;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        GreenMail smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        SmtpFaults faults = SmtpFaults.inFrontOf(smtp.getSmtp().getPort());
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of("mailgate.db.url", url, "mailgate.db.user", "sa",
                "mailgate.db.password", "", "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(faults.port()),
                "mailgate.delivery.lease", "2s", "mailgate.delivery.sweep-interval-ms", "500",
                "mailgate.delivery.retry-schedule", "200ms", "mailgate.delivery.circuit.open", "1s"))) {
            Api api = mailgate.api();
            String token = api.rootToken();
            Mails mails = new Mails(api, token);
            // Mails keep being attempted (the SMTP server refuses for now) while the database goes away.
            faults.down(true);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(mails.send(Map.of("recipients", Map.of("to", List.of("outage" + i + "@example.com")),
                        "subject", "Outage " + i, "body", "x")));
            }
            // Mails are being attempted (and deferred) when the database goes.
            Waiter.until(Duration.ofSeconds(10), "an attempt", () -> mails.find(ids.get(0)).get("attempts").asInt() >= 1);
            h2.stop();

            for (String path : List.of("/mail/v1/", "/api/v1/email/config")) {
                long start = System.nanoTime();
                Api.Response answer = api.get(path, token);
                long took = (System.nanoTime() - start) / 1_000_000;
                assertEquals(503, answer.status(), path + ": " + answer.body());
                assertTrue(took < 3_000, path + " took " + took + " ms");
                assertTrue(answer.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Retry-After")), answer.headers()
                        .toString());
                assertTrue(answer.body().contains("database"), answer.body());
            }
            Api.Response send = api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("late@example.com")),
                    "subject", "Late", "body", "x"));
            assertEquals(503, send.status(), send.body());
            assertTrue(send.json().get("name").asText().equals("SERVICE_UNAVAILABLE_EXCEPTION"), send.body());
            Api.Response login = api.postForm("/api/v1/oauth/token", Map.of("client_id", Api.ROOT_ID,
                    "client_secret", Api.ROOT_SECRET));
            assertEquals(503, login.status(), login.body());
            Thread.sleep(3_000);

            h2 = Server.createTcpServer(server).start();
            faults.down(false);
            Waiter.until(Duration.ofSeconds(30), "the API to answer again", () -> api.get("/mail/v1/health", null).status() == 200
                    && api.get("/mail/v1/?limit(1)", token).status() == 200);
            for (String id : ids) {
                mails.awaitStatus(id, "sent");
            }
            assertEquals(0, api.get("/mail/v1/queued?eq(status,sending)", token).json().get("page").get("total").asInt());
            Waiter.until(Duration.ofSeconds(10), "20 mails", () -> smtp.getReceivedMessages().length >= 20);
        } finally {
            h2.stop();
            faults.close();
            smtp.stop();
        }
    }
}
