package io.mailgate.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.SmtpFaults;
import io.mailgate.support.Waiter;
import io.mailgate.support.WebhookReceiver;

/**
 * Webhooks out, against a real Mailgate and a local endpoint that checks the Standard Webhooks
 * signature as an application's library does: a hard bounce (a recipient the SMTP server refused)
 * reaches the subscribed endpoint signed; an endpoint that fails is retried on the schedule, one that
 * never takes the message leaves a dead letter that a replay sends again; an endpoint that hangs does
 * not slow delivery down; each client sees only its own endpoints; every bad request is a 4xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksIT {

    private GreenMail smtp;
    private SmtpFaults faults;
    private WebhookReceiver receiver;
    private MailgateInstance mailgate;
    private Api api;
    private String root;

    @BeforeAll
    void start() {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        faults = SmtpFaults.inFrontOf(smtp.getSmtp().getPort());
        receiver = WebhookReceiver.start();
        mailgate = MailgateInstance.start(Map.of(
                "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(faults.port()),
                "mailgate.webhooks.allow-private-addresses", "true",
                "mailgate.webhooks.retry-schedule", "300ms,300ms,300ms",
                "mailgate.webhooks.poll-interval-ms", "100",
                "mailgate.webhooks.timeout-ms", "1500",
                "mailgate.webhooks.max-per-client", "5"));
        api = mailgate.api();
        root = api.rootToken();
    }

    @AfterAll
    void stop() throws Exception {
        if (mailgate != null) {
            mailgate.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (faults != null) {
            faults.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void aHardBounceReachesTheSubscribedEndpointSigned() {
        String client = api.tokenWithScopes("mail:send", "mail:read", "webhook:read", "webhook:create", "webhook:delete");
        JsonNode endpoint = subscribe(client, "/app/bounces", List.of("bounced", "complained"));
        String other = api.tokenWithScopes("mail:send", "webhook:create");
        subscribe(other, "/other/bounces", List.of("bounced"));

        String typo = "typo-" + UUID.randomUUID() + "@exmaple.com";
        faults.refuse(typo, "550 5.1.1 <" + typo + ">: User unknown", 100);
        String mailId = send(client, List.of(typo));
        Waiter.until(Duration.ofSeconds(20), "the bounce at the endpoint", () -> receiver.received("/app/bounces").size() == 1);
        WebhookReceiver.Received message = receiver.received("/app/bounces").get(0);
        assertTrue(message.verified(), "the Standard Webhooks signature holds");
        assertTrue(Math.abs(System.currentTimeMillis() / 1000 - message.timestamp()) < 60);
        JsonNode body = Api.read(message.body());
        assertEquals("mail.bounced", body.get("type").asText());
        assertEquals(mailId, body.get("data").get("mail_id").asText());
        assertEquals(typo, body.get("data").get("event").get("recipient").asText());
        assertEquals("hard", body.get("data").get("event").get("bounce").asText());
        assertEquals(0, receiver.received("/other/bounces").size(), "another client's endpoint hears nothing of it");

        JsonNode log = api.get("/api/v1/webhooks/" + endpoint.get("id").asText() + "/deliveries", client).json();
        assertEquals(1, log.get("total").asInt(), log.toString());
        JsonNode entry = log.get("items").get(0);
        assertEquals(message.id(), entry.get("id").asText(), "the log names the webhook-id");
        Waiter.until(Duration.ofSeconds(10), "the log to say delivered", () -> api.get("/api/v1/webhooks/" + endpoint.get("id").asText()
                + "/deliveries", client).json().get("items").get(0).get("status").asText().equals("delivered"));
    }

    @Test
    void aFailingEndpointIsRetriedAndOneThatNeverTakesItLeavesADeadLetterThatAReplaySendsAgain() {
        String client = api.tokenWithScopes("mail:send", "mail:read", "webhook:read", "webhook:create", "deadletter:read",
                "deadletter:replay");
        JsonNode flaky = subscribe(client, "/flaky", List.of("bounced"));
        JsonNode dead = subscribe(client, "/dead", List.of("bounced"));
        receiver.fail("/flaky", 2);
        receiver.fail("/dead", 1000);

        String typo = "retry-" + UUID.randomUUID() + "@exmaple.com";
        faults.refuse(typo, "550 5.1.1 User unknown", 100);
        send(client, List.of(typo));
        Waiter.until(Duration.ofSeconds(20), "the flaky endpoint to take it on the third attempt", () -> status(client, flaky)
                .equals("delivered"));
        JsonNode entry = api.get("/api/v1/webhooks/" + flaky.get("id").asText() + "/deliveries", client).json().get("items").get(0);
        assertEquals(3, entry.get("attempts").asInt(), entry.toString());
        List<String> ids = receiver.received("/flaky").stream().map(WebhookReceiver.Received::id).distinct().toList();
        assertEquals(1, ids.size(), "every attempt carries the same webhook-id");

        Waiter.until(Duration.ofSeconds(20), "the dead endpoint's message to fail", () -> status(client, dead).equals("failed"));
        JsonNode failed = api.get("/api/v1/webhooks/" + dead.get("id").asText() + "/deliveries", client).json().get("items").get(0);
        assertEquals(4, failed.get("attempts").asInt(), "the first attempt and the three of the schedule");
        assertEquals(500, failed.get("last_status").asInt());
        JsonNode letters = api.get("/api/v1/dead-letters?source=webhook&size=100", root).json().get("items");
        JsonNode letter = null;
        for (JsonNode candidate : letters) {
            if (candidate.toString().contains(failed.get("id").asText())) {
                letter = candidate;
            }
        }
        assertTrue(letter != null, "a dead letter for the message: " + letters);
        assertTrue(letter.get("reason").asText().contains("HTTP 500"), letter.toString());

        receiver.fail("/dead", 0);
        Api.Response replay = api.send(api.request("/api/v1/dead-letters/" + letter.get("id").asText() + "/replay", root)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, replay.status(), replay.body());
        assertEquals("replayed", replay.json().get("status").asText(), replay.body());
        Waiter.until(Duration.ofSeconds(20), "the replayed message to be taken", () -> status(client, dead).equals("delivered"));
    }

    @Test
    void anEndpointThatHangsDoesNotSlowDeliveryDown() {
        String client = api.tokenWithScopes("mail:send", "mail:read", "webhook:create");
        JsonNode slow = subscribe(client, "/slow", List.of("bounced"));
        receiver.hang("/slow", 5_000);
        List<String> mails = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 24; i++) {
            String typo = "slow-" + i + "-" + UUID.randomUUID() + "@exmaple.com";
            faults.refuse(typo, "550 5.1.1 User unknown", 100);
            mails.add(send(client, List.of(typo, "fine-" + i + "@example.com")));
        }
        for (String id : mails) {
            Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be sent", () -> "sent".equals(api.get("/mail/v1/?eq(id," + id + ")",
                    client).json().get("data").get(0).get("status").asText()));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds < 10, "24 mails, each leaving a message for an endpoint that hangs 5 s, were delivered in " + seconds + " s");
        assertFalse(receiver.received("/slow").isEmpty(), "the endpoint was called meanwhile");
        assertTrue(slow.has("secret"));
    }

    @Test
    void badRequestsAreRefusedAndAClientSeesOnlyItsOwnEndpoints() {
        String client = api.tokenWithScopes("webhook:read", "webhook:create", "webhook:delete");
        String other = api.tokenWithScopes("webhook:read", "webhook:delete");
        String readOnly = api.tokenWithScopes("webhook:read");
        JsonNode created = subscribe(client, "/mine", List.of("delivered", "opened"));
        String id = created.get("id").asText();
        assertTrue(created.get("secret").asText().startsWith("whsec_"));

        JsonNode listed = api.get("/api/v1/webhooks", client).json();
        assertEquals(1, listed.get("total").asInt());
        assertFalse(listed.toString().contains(created.get("secret").asText()), "the secret is shown once only");
        assertEquals(List.of("delivered", "opened"), List.of(listed.get("items").get(0).get("events").get(0).asText(),
                listed.get("items").get(0).get("events").get(1).asText()));
        assertFalse(api.get("/api/v1/webhooks/" + id, client).body().contains(created.get("secret").asText()));

        Map<String, Object> valid = Map.of("url", receiver.url("/x"), "events", List.of("bounced"));
        List<Object[]> cases = List.of(
                new Object[] {"not JSON", "{\"url\":", 422},
                new Object[] {"an extra field", Api.write(Map.of("url", receiver.url("/x"), "events", List.of("bounced"), "secret", "mine")), 422},
                new Object[] {"no url", Api.write(Map.of("events", List.of("bounced"))), 422},
                new Object[] {"an ftp url", Api.write(Map.of("url", "ftp://example.com/x", "events", List.of("bounced"))), 422},
                new Object[] {"credentials in the url", Api.write(Map.of("url", "https://user:pw@example.com/x", "events", List.of("bounced"))), 422},
                new Object[] {"an overlong url", Api.write(Map.of("url", "https://example.com/" + "x".repeat(2000), "events", List.of("bounced"))), 422},
                new Object[] {"no events", Api.write(Map.of("url", receiver.url("/x"), "events", List.of())), 422},
                new Object[] {"an unknown event", Api.write(Map.of("url", receiver.url("/x"), "events", List.of("exploded"))), 422},
                new Object[] {"an event twice", Api.write(Map.of("url", receiver.url("/x"), "events", List.of("bounced", "bounced"))), 422},
                new Object[] {"an overlong description", Api.write(Map.of("url", receiver.url("/x"), "events", List.of("bounced"),
                        "description", "d".repeat(501))), 422});
        for (Object[] test : cases) {
            Api.Response answer = api.postJson("/api/v1/webhooks", client, (String) test[1]);
            assertEquals(test[2], answer.status(), test[0] + ": " + answer.body());
        }
        assertEquals(403, api.postJson("/api/v1/webhooks", readOnly, valid).status(), "creating needs webhook:create");
        assertEquals(401, api.postJson("/api/v1/webhooks", null, valid).status());
        assertEquals(400, api.get("/api/v1/webhooks/not-an-id", client).status());
        assertEquals(404, api.get("/api/v1/webhooks/" + "0".repeat(24), client).status());
        assertEquals(404, api.get("/api/v1/webhooks/" + id, other).status(), "another client does not see it");
        assertEquals(404, api.delete("/api/v1/webhooks/" + id, other).status(), "nor delete it");
        for (int i = 1; i < 5; i++) {
            subscribe(client, "/more" + i, List.of("bounced"));
        }
        assertEquals(400, api.postJson("/api/v1/webhooks", client, valid).status(), "at most five endpoints here");
        assertEquals(204, api.delete("/api/v1/webhooks/" + id, client).status());
        assertEquals(404, api.get("/api/v1/webhooks/" + id, client).status());
    }

    private JsonNode subscribe(String token, String path, List<String> events) {
        Api.Response created = api.postJson("/api/v1/webhooks", token, Map.of("url", receiver.url(path), "events", events,
                "description", "test endpoint " + path));
        assertEquals(200, created.status(), created.body());
        receiver.secret(path, created.json().get("secret").asText());
        return created.json();
    }

    private String status(String token, JsonNode endpoint) {
        JsonNode items = api.get("/api/v1/webhooks/" + endpoint.get("id").asText() + "/deliveries", token).json().get("items");
        return items.size() == 0 ? "none" : items.get(0).get("status").asText();
    }

    private String send(String token, List<String> to) {
        Api.Response response = api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", to), "subject", "Hello",
                "body", "Hello"));
        assertEquals(200, response.status(), response.body());
        return response.json().get("id").asText();
    }
}
