package io.mailgate.mail;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Mails;
import io.mailgate.support.SmtpFaults;
import io.mailgate.support.Waiter;

/**
 * Delivery as a mail server does it, against GreenMail behind a proxy that injects an SMTP server's
 * faults (an outage, refused recipients) and a Mailgun stand-in that goes down: deferred mails wait in
 * the database and all go out once the provider is back, a refused recipient costs only itself, and a
 * provider known to be down is skipped at once until a probe finds it up again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MtaDeliveryIT {

    private GreenMail smtp;
    private SmtpFaults faults;
    private WireMockServer mailgun;
    private MailgateInstance mailgate;
    private Api api;
    private String token;
    private Mails mails;

    @BeforeAll
    void start() {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        faults = SmtpFaults.inFrontOf(smtp.getSmtp().getPort());
        mailgun = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        mailgun.start();
        mailgate = MailgateInstance.start(Map.of(
                "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(faults.port()),
                "mailgate.smtp.greeting", "gateway.example.net",
                // Scaled down from minutes and hours: the schedule, and a circuit that opens after 2 of
                // the last 4 calls failed and probes again after 1.5 s.
                "mailgate.delivery.retry-schedule", "300ms,600ms,1s",
                "mailgate.delivery.circuit.window", "4",
                "mailgate.delivery.circuit.minimum-calls", "2",
                "mailgate.delivery.circuit.open", "1500ms"));
        api = mailgate.api();
        token = api.rootToken();
        mails = new Mails(api, token);
    }

    @AfterAll
    void stop() throws Exception {
        if (mailgate != null) {
            mailgate.close();
        }
        faults.close();
        smtp.stop();
        mailgun.stop();
    }

    @AfterEach
    void reset() throws Exception {
        faults.down(false);
        for (JsonNode config : api.get("/api/v1/email/config?size=100", token).json().get("items")) {
            api.delete("/api/v1/email/config/" + config.get("key").asText(), token);
        }
        smtp.purgeEmailFromAllMailboxes();
        mailgun.resetAll();
    }

    @Test
    void anOutageOfTheOnlyProviderCostsNoMailAndNoReplay() throws Exception {
        String run = "outage-" + UUID.randomUUID();
        faults.down(true);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(mails.send(Map.of("recipients", Map.of("to", List.of("patient" + i + "@example.com")), "subject", run + " " + i,
                    "body", "x")));
        }
        // While the server is down the mails wait, each with its attempts, next attempt and last error.
        Waiter.until(Duration.ofSeconds(20), "every mail to be deferred at least twice", () -> {
            JsonNode data = api.get("/mail/v1/queued?ge(attempts,2)&limit(50)", token).json().get("data");
            return ids.stream().allMatch(id -> find(data, id) != null);
        });
        JsonNode waiting = find(api.get("/mail/v1/queued?eq(id," + ids.get(0) + ")", token).json().get("data"), ids.get(0));
        assertEquals("queued", waiting.get("status").asText(), waiting.toString());
        assertTrue(waiting.get("last_error").asText().contains("smtp: transient"), waiting.toString());
        assertTrue(waiting.has("next_attempt_timestamp"), waiting.toString());
        assertTrue(metric("mailgate_mails_deferred_waiting") >= 1);
        Thread.sleep(6_000);
        assertEquals(0, api.get("/mail/v1/queued?eq(status,failed)", token).json().get("page").get("total").asInt(),
                "a provider that is down fails no mail");
        assertEquals(0, smtp.getReceivedMessages().length);

        faults.down(false);
        Waiter.until(Duration.ofSeconds(30), "every mail to arrive", () -> smtp.getReceivedMessages().length == 30);
        for (String id : ids) {
            JsonNode mail = mails.awaitStatus(id, "sent");
            assertTrue(mail.get("attempts").asInt() >= 3, mail.toString());
            assertFalse(mail.has("last_error"), "a sent mail shows no error: " + mail);
        }
        Thread.sleep(1_000);
        assertEquals(30, smtp.getReceivedMessages().length, "each mail arrived once");
        assertEquals(0, api.get("/api/v1/dead-letters?source=deliver-mail&size=100", token).json().get("items").size());
    }

    @Test
    void whenAProviderIsBackItsDeferredMailsGoAtOnceNotAtTheirNextScheduledAttempt() throws Exception {
        faults.down(true);
        // A schedule whose second wait is ten minutes: only the recovery can bring these mails back in time.
        try (MailgateInstance slow = MailgateInstance.start(Map.of(
                "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(faults.port()),
                "mailgate.delivery.retry-schedule", "500ms,10m",
                "mailgate.delivery.circuit.window", "4",
                "mailgate.delivery.circuit.minimum-calls", "2",
                "mailgate.delivery.circuit.open", "1s"))) {
            Mails slowMails = new Mails(slow.api(), slow.api().rootToken());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(slowMails.send(mail("Back soon " + i)));
            }
            for (String id : ids) {
                Waiter.until(Duration.ofSeconds(20), "mail " + id + " to wait for ten minutes", () -> {
                    JsonNode found = slowMails.find(id);
                    return found.has("next_attempt_timestamp")
                            && found.get("next_attempt_timestamp").asLong() > System.currentTimeMillis() + 300_000;
                });
            }
            faults.down(false);
            Thread.sleep(1_100);
            // The next mail is the circuit's probe; it goes through, and the provider counts as back.
            slowMails.awaitStatus(slowMails.send(mail("Probe")), "sent");
            for (String id : ids) {
                JsonNode sent = slowMails.awaitStatus(id, "sent");
                assertEquals(3, sent.get("attempts").asInt(), sent.toString());
            }
        }
    }

    @Test
    void aFullBacklogAnswers503UntilItDrains() throws Exception {
        faults.down(true);
        try (MailgateInstance small = MailgateInstance.start(Map.of(
                "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(faults.port()),
                "mailgate.mail.max-backlog", "5",
                "mailgate.delivery.retry-schedule", "300ms",
                "mailgate.delivery.circuit.open", "500ms"))) {
            Api smallApi = small.api();
            String smallToken = smallApi.rootToken();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, smallApi.postJson("/mail/v1/", smallToken, mail("Backlog " + i)).status());
            }
            // The count is looked up at most once a second: within a few, the next send is refused.
            Api.Response[] refused = new Api.Response[1];
            Waiter.until(Duration.ofSeconds(10), "a send to be refused", () -> {
                refused[0] = smallApi.postJson("/mail/v1/", smallToken, mail("One too many"));
                return refused[0].status() != 200;
            });
            assertEquals(503, refused[0].status(), refused[0].body());
            assertEquals("SERVICE_UNAVAILABLE_EXCEPTION", refused[0].json().get("name").asText());
            assertTrue(refused[0].headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Retry-After")));
            faults.down(false);
            Waiter.until(Duration.ofSeconds(30), "the backlog to drain and sends to be taken again",
                    () -> smallApi.postJson("/mail/v1/", smallToken, mail("After")).status() == 200);
        }
    }

    @Test
    void aRefusedCcCostsOnlyItself() throws Exception {
        faults.refuse("typo@exmaple.com", "550 5.1.1 <typo@exmaple.com>: Recipient address rejected: User unknown", 100);
        String id = mails.send(Map.of("recipients", Map.of("to", List.of("good@example.com"), "cc", List.of("typo@exmaple.com")),
                "subject", "Refused cc", "body", "x"));
        JsonNode sent = mails.awaitStatus(id, "sent");
        Waiter.until(Duration.ofSeconds(10), "the mail to arrive", () -> smtp.getReceivedMessages().length == 1);
        MimeMessage received = smtp.getReceivedMessages()[0];
        assertEquals("good@example.com", received.getRecipients(Message.RecipientType.TO)[0].toString());
        assertEquals("typo@exmaple.com", received.getHeader("Cc", ","), "the message is unchanged, its headers name the cc");
        assertEquals(1, sent.get("attempts").asInt());
        JsonNode refused = sent.get("refused_recipients");
        assertEquals(1, refused.size(), sent.toString());
        assertEquals("typo@exmaple.com", refused.get(0).get("address").asText());
        assertEquals(550, refused.get(0).get("code").asInt());
        assertTrue(refused.get(0).get("permanent").asBoolean());
        assertTrue(refused.get(0).get("response").asText().contains("User unknown"), refused.toString());
        assertTrue(faults.greetings().contains("EHLO gateway.example.net"), "mailgate.smtp.greeting: " + faults.greetings());
    }

    @Test
    void aRecipientRefusedForNowIsRetriedAloneAndEveryoneGetsOneCopy() throws Exception {
        faults.refuse("busy@example.com", "450 4.2.1 Mailbox busy, try again later", 2);
        String id = mails.send(Map.of("recipients", Map.of("to", List.of("first@example.com"), "cc", List.of("busy@example.com")),
                "subject", "Busy cc", "body", "x"));
        JsonNode deferred = mails.awaitDeferred(id);
        assertEquals(List.of("busy@example.com"), List.of(deferred.get("pending_recipients").get(0).asText()), deferred.toString());
        assertFalse(deferred.get("refused_recipients").get(0).get("permanent").asBoolean(), deferred.toString());
        JsonNode sent = mails.awaitStatus(id, "sent");
        assertEquals(3, sent.get("attempts").asInt(), sent.toString());
        assertFalse(sent.has("refused_recipients"), "refused for now, then delivered: " + sent);
        Waiter.until(Duration.ofSeconds(10), "both copies", () -> smtp.getReceivedMessages().length == 2);
        Thread.sleep(500);
        assertEquals(2, smtp.getReceivedMessages().length, "first@ got its copy once, busy@ once");
        assertEquals(1, greenMailCopies("first@example.com"));
        assertEquals(1, greenMailCopies("busy@example.com"));
        String messageId = smtp.getReceivedMessages()[0].getMessageID();
        assertEquals(messageId, smtp.getReceivedMessages()[1].getMessageID(), "the retry is the same message");
    }

    @Test
    void aProviderKnownDownIsSkippedAtOnceAndProbedBackIn() throws Exception {
        String path = "/v3/mg.example.com/messages.mime";
        mailgun.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(503).withBody("down")));
        mails.configure("mailgun-primary", "mailgun", Map.of("domain", "mg.example.com", "base_url", mailgun.baseUrl()), 1,
                Map.of("mailgun_api_key", "key-test"));
        mails.configure("outbox-backup", "outbox", Map.of("directory", MailgateInstance.tempDir().toString()), 2, Map.of());
        for (int i = 0; i < 2; i++) {
            assertEquals("outbox-backup", mails.awaitStatus(mails.send(mail("Failover " + i)), "sent").get("provider").asText());
        }
        assertEquals(2, mailgun.getAllServeEvents().size());
        Waiter.until(Duration.ofSeconds(5), "the circuit to show open", () -> "open".equals(circuit("mailgun-primary")));
        assertEquals(1.0, metric("mailgate_provider_circuit_state{provider=\"mailgun-primary\"}"));

        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertEquals("outbox-backup", mails.awaitStatus(mails.send(mail("Skipped " + i)), "sent").get("provider").asText());
        }
        assertEquals(2, mailgun.getAllServeEvents().size(), "an open circuit is not called");
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1_500 * 3, "five mails failed over without waiting on the primary");

        mailgun.stubFor(post(urlEqualTo(path)).willReturn(okJson("{\"id\":\"<back@mg.example.com>\",\"message\":\"Queued\"}")));
        Thread.sleep(1_700);
        assertEquals("mailgun-primary", mails.awaitStatus(mails.send(mail("Probe")), "sent").get("provider").asText(),
                "after the pause one probe goes through, and takes the mail");
        assertEquals("closed", circuit("mailgun-primary"));
        assertEquals(0.0, metric("mailgate_provider_circuit_state{provider=\"mailgun-primary\"}"));
        assertEquals("mailgun-primary", mails.awaitStatus(mails.send(mail("Back")), "sent").get("provider").asText());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Map<String, Object> mail(String subject) {
        return Map.of("recipients", Map.of("to", List.of("someone@example.com")), "subject", subject, "body", "x");
    }

    /** The copies GreenMail holds in this address's mailbox. */
    private int greenMailCopies(String address) throws Exception {
        var user = smtp.getUserManager().getUserByEmail(address);
        return user == null ? 0 : (int) smtp.getManagers().getImapHostManager().getInbox(user).getMessageCount();
    }

    private String circuit(String provider) {
        JsonNode checks = api.get("/observe/health?exposureLevel=full&data=true", null).json().get("checks");
        for (JsonNode check : checks) {
            if (check.get("name").asText().equals("providers")) {
                JsonNode state = check.get("data").get(provider + ".circuit");
                return state == null ? null : state.asText();
            }
        }
        return null;
    }

    private double metric(String name) {
        for (String line : api.get("/observe/metrics", null).body().split("\n")) {
            boolean labelled = name.contains("{");
            if (labelled ? line.startsWith(name + " ") : line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private static JsonNode find(JsonNode data, String id) {
        for (JsonNode mail : data) {
            if (mail.get("id").asText().equals(id)) {
                return mail;
            }
        }
        return null;
    }
}
