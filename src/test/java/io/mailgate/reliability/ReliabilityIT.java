package io.mailgate.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.QueueProducer;
import io.mailgate.support.Waiter;

/** Queue ingress, idempotency keys, dead letters and replay against a real Mailgate and GreenMail. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReliabilityIT {

    private GreenMail smtp;
    private MailgateInstance mailgate;
    private Api api;
    private String token;
    private QueueProducer queue;

    @BeforeAll
    void start() {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        mailgate = MailgateInstance.start(Map.of(
                "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(smtp.getSmtp().getPort()),
                // A provider that stays down for 3 s fails the mail (a dead letter to replay).
                "mailgate.delivery.max-age", "3s",
                // A provider known down is probed again after a second (a replay waits for that probe).
                "mailgate.delivery.circuit.open", "1s"));
        api = mailgate.api();
        token = api.rootToken();
        queue = new QueueProducer(mailgate.brokerPort());
    }

    @AfterAll
    void stop() {
        if (queue != null) {
            queue.close();
        }
        if (mailgate != null) {
            mailgate.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    // ---- queue ingress ------------------------------------------------------------------------

    @Test
    void aQueueMessageIsValidatedStoredAndDeliveredLikeARestRequest() {
        String subject = "Queued " + UUID.randomUUID();
        queue.send(Api.write(mail(subject, "queue@example.com")), Map.of());
        awaitDelivered(subject, 1);
        JsonNode stored = onlyMail(subject);
        assertEquals("queue", stored.get("creator_id").asText());
        assertEquals("sent", stored.get("status").asText());
    }

    @Test
    void anAmqpProducerReachesTheGateway() {
        String prefix = "AMQP " + UUID.randomUUID();
        try (QueueProducer amqp = QueueProducer.amqp(mailgate.brokerPort())) {
            for (int i = 0; i < 5; i++) {
                amqp.send(Api.write(mail(prefix + " " + i, "amqp@example.com")), Map.of());
            }
        }
        for (int i = 0; i < 5; i++) {
            awaitDelivered(prefix + " " + i, 1);
        }
    }

    // ---- idempotency --------------------------------------------------------------------------

    @Test
    void aRepeatedIdempotencyKeyReturnsTheFirstMailAndSendsNothingMore() {
        String subject = "Idempotent " + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        Api.Response first = sendWithKey(mail(subject, "idem@example.com"), key, token);
        Api.Response second = sendWithKey(mail(subject, "idem@example.com"), key, token);
        assertEquals(200, first.status(), first.body());
        assertEquals(200, second.status(), second.body());
        assertEquals(first.json().get("id").asText(), second.json().get("id").asText());
        awaitDelivered(subject, 1);
        Api.Response third = sendWithKey(reordered(mail(subject, "idem@example.com")), key, token);
        assertEquals(first.json().get("id").asText(), third.json().get("id").asText(), "key order does not change the body");
        assertEquals(1, count(subject));
        assertEquals(1, received(subject));
    }

    @Test
    void aKeyReusedWithAnotherBodyIsAConflict() {
        String key = UUID.randomUUID().toString();
        assertEquals(200, sendWithKey(mail("First " + key, "a@example.com"), key, token).status());
        Api.Response conflict = sendWithKey(mail("Second " + key, "a@example.com"), key, token);
        assertEquals(409, conflict.status(), conflict.body());
        assertEquals(17, conflict.json().get("code").asInt());
        assertEquals("IDEMPOTENCY_KEY_REUSED_EXCEPTION", conflict.json().get("name").asText());
        assertEquals(0, count("Second " + key));
    }

    @Test
    void concurrentRequestsWithOneKeyMakeOneMail() throws Exception {
        String subject = "Concurrent " + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Api.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                calls.add(pool.submit(() -> sendWithKey(mail(subject, "race@example.com"), key, token)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Api.Response> call : calls) {
                Api.Response response = call.get(60, TimeUnit.SECONDS);
                assertEquals(200, response.status(), response.body());
                ids.add(response.json().get("id").asText());
            }
            assertEquals(1, ids.size(), "every request got the same mail");
        } finally {
            pool.shutdown();
        }
        awaitDelivered(subject, 1);
        assertEquals(1, count(subject));
    }

    @Test
    void keysBelongToOneClient() {
        String subject = "Scoped " + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        String other = api.tokenWithScopes("mail:send");
        String a = sendWithKey(mail(subject, "scope@example.com"), key, token).json().get("id").asText();
        String b = sendWithKey(mail(subject, "scope@example.com"), key, other).json().get("id").asText();
        assertFalse(a.equals(b), "another client's key is another key");
    }

    @Test
    void badIdempotencyKeysAreClientErrors() {
        Api.Response tooLong = sendWithKey(mail("Long key", "a@example.com"), "k".repeat(256), token);
        assertEquals(400, tooLong.status());
        assertEquals(15, tooLong.json().get("code").asInt());
        Api.Response twice = api.send(api.request("/mail/v1/", token).header("Content-Type", "application/json")
                .header("Idempotency-Key", "a").header("Idempotency-Key", "b")
                .POST(HttpRequest.BodyPublishers.ofString(Api.write(mail("Two keys", "a@example.com")))));
        assertEquals(400, twice.status());
    }

    @Test
    void aQueueMessageSentTwiceWithOneKeyMakesOneMail() {
        String subject = "Queue key " + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        queue.send(Api.write(mail(subject, "qkey@example.com")), Map.of("idempotency_key", key));
        queue.send(Api.write(mail(subject, "qkey@example.com")), Map.of("idempotency_key", key));
        awaitDelivered(subject, 1);
        Waiter.until(Duration.ofSeconds(10), "both messages consumed", () -> count(subject) == 1);
        assertEquals(1, count(subject));
        assertEquals(1, received(subject));
    }

    // ---- dead letters -------------------------------------------------------------------------

    @Test
    void aHundredPoisonMessagesBecomeAHundredDeadLettersAndTheGatewayStillServes() {
        String tag = "poison-" + UUID.randomUUID();
        List<String> poisons = List.of(
                "not json " + tag,
                "{\"subject\":\"" + tag + "\"}",
                "{\"recipients\":{\"to\":[\"nobody\"]},\"subject\":\"" + tag + "\",\"body\":\"x\"}",
                "{\"recipients\":{\"to\":[\"a@example.com\"]},\"template_name\":\"" + tag + "\"}",
                "[\"" + tag + "\"]");
        Instant before = Instant.now().minusSeconds(1);
        for (int i = 0; i < 100; i++) {
            queue.send(poisons.get(i % poisons.size()), Map.of());
        }
        Waiter.until(Duration.ofSeconds(60), "100 dead letters", () -> deadLetters("receive-mail", tag, before) == 100);
        assertEquals(200, api.get("/mail/v1/health", null).status());
        String subject = "After poison " + UUID.randomUUID();
        queue.send(Api.write(mail(subject, "alive@example.com")), Map.of());
        awaitDelivered(subject, 1);

        JsonNode page = deadLetterPage("?source=receive-mail&reason=JSON&size=5&since=" + before);
        assertTrue(page.get("total").asInt() >= 20, page.toString());
        JsonNode letter = page.get("items").get(0);
        assertTrue(letter.get("payload").asText().contains(tag) || letter.get("payload").asText().contains("not json"));
        assertTrue(letter.get("created_at").asText().endsWith("Z"), "fidesops timestamps are ISO-8601");

        // A poison message replayed fails again with its reason, and stays one dead letter.
        String id = letter.get("id").asText();
        Api.Response replay = api.postJson("/api/v1/dead-letters/" + id + "/replay", token, "");
        assertEquals(200, replay.status(), replay.body());
        assertEquals("failed", replay.json().get("status").asText());
        assertFalse(replay.json().get("reason").asText().isBlank());
        assertEquals(100, deadLetters("receive-mail", tag, before));
        JsonNode replayed = deadLetterPage("?source=receive-mail&size=100&since=" + before).get("items");
        boolean counted = false;
        for (JsonNode item : replayed) {
            counted |= item.get("id").asText().equals(id) && item.get("replay_count").asInt() == 1;
        }
        assertTrue(counted, "the replay is counted on the dead letter");
    }

    @Test
    void aFailedMailIsReplayedOnceItsProviderRecovers() throws Exception {
        int port = MailgateInstance.freePort();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("key", "recovering");
        config.put("name", "recovering");
        config.put("service_type", "smtp");
        config.put("details", Map.of("host", "127.0.0.1", "port", port, "security", "none"));
        assertEquals(200, api.postJson("/api/v1/email/config", token, config).status());
        api.send(api.request("/api/v1/email/config/recovering/secret", token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"username\":\"u\",\"password\":\"p\"}")));
        GreenMail recovered = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        recovered.setUser("u@example.com", "u", "p");
        try {
            String subject = "Replay " + UUID.randomUUID();
            String id = api.postJson("/mail/v1/", token, mail(subject, "replay@example.com")).json().get("id").asText();
            Waiter.until(Duration.ofSeconds(30), "the mail to fail", () -> "failed".equals(status(id)));
            JsonNode letter = deadLetterPage("?source=deliver-mail&size=100").get("items");
            String letterId = null;
            for (JsonNode item : letter) {
                letterId = item.get("mail_id").asText().equals(id) ? item.get("id").asText() : letterId;
            }
            assertTrue(letterId != null, "the failed mail is a dead letter");

            recovered.start();
            Api.Response replay = api.postJson("/api/v1/dead-letters/" + letterId + "/replay", token, "");
            assertEquals("replayed", replay.json().get("status").asText(), replay.body());
            Waiter.until(Duration.ofSeconds(30), "the replayed mail to arrive", () -> recovered.getReceivedMessages().length == 1);
            Waiter.until(Duration.ofSeconds(10), "the mail to be sent", () -> "sent".equals(status(id)));

            Api.Response again = api.postJson("/api/v1/dead-letters/" + letterId + "/replay", token, "");
            assertEquals("skipped", again.json().get("status").asText(), again.body());
            assertEquals(1, recovered.getReceivedMessages().length, "a sent mail is never sent again");
        } finally {
            recovered.stop();
            api.delete("/api/v1/email/config/recovering", token);
        }
    }

    @Test
    void aMessageTheBrokerParkedIsADeadLetterThatCanBeReplayed() {
        String subject = "Parked " + UUID.randomUUID();
        // What the broker does after the last failed redelivery: the message lands on mailgate.dead
        // with the queue it came from.
        queue.sendTo("mailgate.dead", Api.write(mail(subject, "parked@example.com")),
                Map.of("_AMQ_ORIG_ADDRESS", QueueProducer.SEND_QUEUE));
        String[] id = new String[1];
        Waiter.until(Duration.ofSeconds(20), "the parked message to be a dead letter", () -> {
            for (JsonNode item : deadLetterPage("?source=broker&size=100").get("items")) {
                if (item.get("payload").asText().contains(subject)) {
                    id[0] = item.get("id").asText();
                    assertTrue(item.get("reason").asText().contains(QueueProducer.SEND_QUEUE), item.toString());
                    return true;
                }
            }
            return false;
        });
        Api.Response replay = api.postJson("/api/v1/dead-letters/" + id[0] + "/replay", token, "");
        assertEquals("replayed", replay.json().get("status").asText(), replay.body());
        awaitDelivered(subject, 1);
    }

    @Test
    void deadLetterRoutesCheckTokenScopeAndInput() {
        String reader = api.tokenWithScopes("deadletter:read");
        assertEquals(401, api.get("/api/v1/dead-letters", null).status());
        assertEquals(403, api.get("/api/v1/dead-letters", api.tokenWithScopes("mail:read")).status());
        assertEquals(200, api.get("/api/v1/dead-letters", reader).status());
        assertEquals(403, api.postJson("/api/v1/dead-letters/x/replay", reader, "").status());
        assertEquals(404, api.postJson("/api/v1/dead-letters/000000000000000000000000/replay", token, "").status());
        assertEquals(422, api.get("/api/v1/dead-letters?since=yesterday", token).status());
        assertEquals(422, api.get("/api/v1/dead-letters?size=1000", token).status());
        assertEquals(200, api.get("/api/v1/dead-letters?reason=%25'%20OR%201=1", token).status());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Map<String, Object> mail(String subject, String to) {
        Map<String, Object> mail = new LinkedHashMap<>();
        mail.put("recipients", Map.of("to", List.of(to)));
        mail.put("subject", subject);
        mail.put("body", "Body of " + subject);
        return mail;
    }

    private static Map<String, Object> reordered(Map<String, Object> mail) {
        Map<String, Object> reversed = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(mail.keySet());
        java.util.Collections.reverse(keys);
        keys.forEach(k -> reversed.put(k, mail.get(k)));
        return reversed;
    }

    private Api.Response sendWithKey(Map<String, Object> mail, String key, String bearer) {
        return api.send(api.request("/mail/v1/", bearer).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(Api.write(mail))));
    }

    private int count(String subject) {
        return api.get("/mail/v1/?eq(subject," + encode(subject) + ")", token).json().get("page").get("total").asInt();
    }

    private JsonNode onlyMail(String subject) {
        JsonNode data = api.get("/mail/v1/?eq(subject," + encode(subject) + ")", token).json().get("data");
        assertEquals(1, data.size());
        return data.get(0);
    }

    private String status(String id) {
        JsonNode data = api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data");
        return data.size() == 1 ? data.get(0).get("status").asText() : null;
    }

    private int deadLetters(String source, String payloadTag, Instant since) {
        int matching = 0;
        for (int page = 1; ; page++) {
            JsonNode items = deadLetterPage("?source=" + source + "&size=100&page=" + page + "&since=" + since).get("items");
            for (JsonNode item : items) {
                String payload = item.get("payload").asText();
                matching += payload.contains(payloadTag) || payload.startsWith("not json " + payloadTag) ? 1 : 0;
            }
            if (items.size() < 100) {
                return matching;
            }
        }
    }

    private JsonNode deadLetterPage(String query) {
        Api.Response response = api.get("/api/v1/dead-letters" + query, token);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    private void awaitDelivered(String subject, int copies) {
        Waiter.until(Duration.ofSeconds(30), subject + " to arrive", () -> received(subject) >= copies);
    }

    private int received(String subject) {
        return (int) Arrays.stream(smtp.getReceivedMessages()).filter(m -> subjectOf(m).equals(subject)).count();
    }

    private static String subjectOf(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RQL values are percent-encoded twice, as the SDK does. */
    private static String encode(String value) {
        String once = java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        return java.net.URLEncoder.encode(once, StandardCharsets.UTF_8);
    }

}
