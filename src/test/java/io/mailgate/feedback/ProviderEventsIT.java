package io.mailgate.feedback;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Mails;
import io.mailgate.support.SesEmulator;
import io.mailgate.support.SnsSigner;
import io.mailgate.support.Waiter;
import io.mailgate.support.WebhookReceiver;

/**
 * Provider events in, against a real Mailgate: Mailgun webhooks in Mailgun's documented JSON format and
 * signature (a local server standing in for Mailgun's API), SES events through SNS messages signed with
 * a test certificate (the aws-ses-v2-local emulator sending). A verified hard bounce or complaint is on
 * the mail's record, findable with RQL, and suppresses the address so that the next mail to it is not
 * sent; every forged, replayed, stale, malformed or oversized request is a 4xx that changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderEventsIT {

    private static final String DOMAIN = "mg.example.com";
    private static final String MAILGUN_PATH = "/v3/" + DOMAIN + "/messages.mime";
    private static final String CERT_PATH = "/SimpleNotificationService-test.pem";

    private final String signingKey = "whk-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private WireMockServer mailgun;
    private WireMockServer sns;
    private SesEmulator ses;
    private SnsSigner signer;
    private WebhookReceiver receiver;
    private MailgateInstance mailgate;
    private Api api;
    private String root;
    private Mails mails;

    @BeforeAll
    void start() throws Exception {
        mailgun = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        mailgun.start();
        sns = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sns.start();
        signer = SnsSigner.create();
        ses = SesEmulator.start();
        receiver = WebhookReceiver.start();
        mailgate = MailgateInstance.start(Map.of(
                "mailgate.feedback.sns-cert-url-pattern", "^http://127\\.0\\.0\\.1:" + sns.port() + "/[^?#]*\\.pem$",
                "mailgate.delivery.retry-schedule", "200ms",
                "mailgate.webhooks.allow-private-addresses", "true",
                "mailgate.webhooks.poll-interval-ms", "100"));
        api = mailgate.api();
        root = api.rootToken();
        mails = new Mails(api, root);
        // The application listens for bounces and complaints of its mails.
        Api.Response subscribed = api.postJson("/api/v1/webhooks", root, Map.of("url", receiver.url("/events"),
                "events", List.of("bounced", "complained")));
        assertEquals(200, subscribed.status(), subscribed.body());
        receiver.secret("/events", subscribed.json().get("secret").asText());
    }

    @AfterAll
    void stop() throws Exception {
        if (mailgate != null) {
            mailgate.close();
        }
        if (ses != null) {
            ses.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        for (WireMockServer server : new WireMockServer[] {mailgun, sns}) {
            if (server != null) {
                server.stop();
            }
        }
    }

    @AfterEach
    void reset() {
        for (JsonNode config : api.get("/api/v1/email/config?size=100", root).json().get("items")) {
            api.delete("/api/v1/email/config/" + config.get("key").asText(), root);
        }
        mailgun.resetAll();
        sns.resetAll();
    }

    // ---- Mailgun ------------------------------------------------------------------------------

    @Test
    void aMailgunHardBounceIsRecordedAndStopsTheNextMailToTheAddress() throws Exception {
        mailgunConfig(Map.of("mailgun_api_key", "key-" + UUID.randomUUID(), "mailgun_webhook_signing_key", signingKey));
        String address = "gone-" + UUID.randomUUID() + "@example.com";
        String id = send(address, "Your invoice");
        awaitStatus(id, "sent");
        int sends = mailgun.countRequestsMatching(postRequestedFor(urlEqualTo(MAILGUN_PATH)).build()).getCount();

        String eventId = "mg-" + UUID.randomUUID();
        Api.Response answer = postEvent("/api/v1/events/mailgun/mailgun", mailgunEvent(eventId, "failed", "permanent", address, id,
                signingKey, token(), Instant.now().getEpochSecond()));
        assertEquals(200, answer.status(), answer.body());
        assertEquals("recorded", answer.json().get("result").asText());

        JsonNode mail = mail(id);
        JsonNode event = mail.get("events").get(0);
        assertEquals("bounced", event.get("type").asText());
        assertEquals("hard", event.get("bounce").asText());
        assertEquals(address, event.get("recipient").asText());
        assertTrue(event.get("detail").asText().contains("550 5.1.1"), event.toString());
        assertEquals("mailgun", event.get("source").asText());
        assertTrue(event.get("timestamp").asLong() > 0);
        assertEquals("sent", mail.get("status").asText(), "the status stays what delivery made it");
        assertTrue(ids("eq(events.type,bounced)").contains(id), "RQL finds the mail by its events");
        assertFalse(ids("eq(events.type,complained)").contains(id));

        JsonNode suppressions = api.get("/api/v1/suppressions?email=" + address, root).json();
        assertEquals(1, suppressions.get("total").asInt(), suppressions.toString());
        assertEquals("bounce", suppressions.get("items").get(0).get("source").asText());

        // Mailgun sends an event again (after a timeout) with a fresh signature: nothing changes.
        Api.Response again = postEvent("/api/v1/events/mailgun/mailgun", mailgunEvent(eventId, "failed", "permanent", address, id,
                signingKey, token(), Instant.now().getEpochSecond()));
        assertEquals("duplicate", again.json().get("result").asText(), again.body());
        assertEquals(1, mail(id).get("events").size());

        told(id, "mail.bounced");

        String next = send(address, "Your next invoice");
        awaitStatus(next, "suppressed");
        assertEquals(sends, mailgun.countRequestsMatching(postRequestedFor(urlEqualTo(MAILGUN_PATH)).build()).getCount(),
                "the suppressed address went to no provider");
    }

    @Test
    void mailgunEventsOfEveryKindGoOnTheRecord() throws Exception {
        mailgunConfig(Map.of("mailgun_api_key", "key-" + UUID.randomUUID(), "mailgun_webhook_signing_key", signingKey));
        String address = "reader-" + UUID.randomUUID() + "@example.com";
        String id = send(address, "Newsletter");
        awaitStatus(id, "sent");
        long now = Instant.now().getEpochSecond();
        for (String[] kind : new String[][] {{"delivered", ""}, {"failed", "temporary"}, {"opened", ""}, {"clicked", ""}}) {
            Api.Response answer = postEvent("/api/v1/events/mailgun/mailgun", mailgunEvent("mg-" + UUID.randomUUID(), kind[0], kind[1],
                    address, id, signingKey, token(), now));
            assertEquals(200, answer.status(), answer.body());
            assertEquals(kind[0].equals("clicked") ? "ignored" : "recorded", answer.json().get("result").asText(), kind[0]);
        }
        List<String> types = new java.util.ArrayList<>(types(mail(id)));
        java.util.Collections.sort(types);
        assertEquals(List.of("bounced", "delivered", "opened"), types, "in the same second: any order");
        for (JsonNode event : mail(id).get("events")) {
            if (event.get("type").asText().equals("bounced")) {
                assertEquals("soft", event.get("bounce").asText());
                assertTrue(event.get("detail").asText().contains("4.2.2"), event.toString());
            }
            if (event.get("type").asText().equals("opened")) {
                assertTrue(event.has("machine"), event.toString());
                assertTrue(event.get("detail").asText().contains("iPhone"), event.toString());
            }
        }
        assertEquals(0, api.get("/api/v1/suppressions?email=" + address, root).json().get("total").asInt(),
                "one soft bounce does not suppress");

        String leaver = "leaver-" + UUID.randomUUID() + "@example.com";
        String left = send(leaver, "Promotion");
        awaitStatus(left, "sent");
        Api.Response unsubscribed = postEvent("/api/v1/events/mailgun/mailgun", mailgunEvent("mg-" + UUID.randomUUID(), "unsubscribed", "",
                leaver, left, signingKey, token(), now));
        assertEquals("recorded", unsubscribed.json().get("result").asText(), unsubscribed.body());
        assertEquals("unsubscribe", api.get("/api/v1/suppressions?email=" + leaver, root).json().get("items").get(0)
                .get("source").asText());

        String complainer = "angry-" + UUID.randomUUID() + "@example.com";
        String other = send(complainer, "Offer");
        awaitStatus(other, "sent");
        Api.Response complained = postEvent("/api/v1/events/mailgun/mailgun", mailgunEvent("mg-" + UUID.randomUUID(), "complained", "",
                complainer, other, signingKey, token(), now));
        assertEquals("recorded", complained.json().get("result").asText(), complained.body());
        assertEquals("complaint", api.get("/api/v1/suppressions?email=" + complainer, root).json().get("items").get(0)
                .get("source").asText());
    }

    @Test
    void forgedReplayedStaleMalformedAndOversizedMailgunEventsAreRefusedAndChangeNothing() throws Exception {
        mailgunConfig(Map.of("mailgun_api_key", "key-" + UUID.randomUUID(), "mailgun_webhook_signing_key", signingKey));
        String address = "target-" + UUID.randomUUID() + "@example.com";
        String id = send(address, "Target");
        awaitStatus(id, "sent");
        long now = Instant.now().getEpochSecond();
        String path = "/api/v1/events/mailgun/mailgun";
        String used = token();
        assertEquals(200, postEvent(path, mailgunEvent("mg-" + UUID.randomUUID(), "delivered", "", address, id, signingKey, used, now))
                .status());
        int events = mail(id).get("events").size();

        Map<String, Object> unsigned = mailgunEvent("mg-1", "failed", "permanent", address, id, signingKey, token(), now);
        unsigned.remove("signature");
        Map<String, Object> wrongKey = mailgunEvent("mg-2", "failed", "permanent", address, id, "another-key", token(), now);
        Map<String, Object> tampered = mailgunEvent("mg-3", "failed", "permanent", address, id, signingKey, token(), now);
        ((Map<String, Object>) tampered.get("signature")).put("timestamp", Long.toString(now - 1));
        Map<String, Object> stale = mailgunEvent("mg-4", "failed", "permanent", address, id, signingKey, token(), now - 3600);
        Map<String, Object> future = mailgunEvent("mg-5", "failed", "permanent", address, id, signingKey, token(), now + 3600);
        Map<String, Object> replayed = mailgunEvent("mg-6", "failed", "permanent", address, id, signingKey, used, now);
        Map<String, Object> unknownEvent = mailgunEvent("mg-7", "exploded", "", address, id, signingKey, token(), now);
        Map<String, Object> badRecipient = mailgunEvent("mg-8", "failed", "permanent", "x".repeat(400) + "@example.com", id,
                signingKey, token(), now);
        Map<String, Object> oversized = mailgunEvent("mg-9", "failed", "permanent", address, id, signingKey, token(), now);
        ((Map<String, Object>) oversized.get("event-data")).put("padding", "x".repeat(70_000));

        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("unsigned", 403);
        expected.put("signed with another key", 403);
        expected.put("a signed field changed", 403);
        expected.put("an hour old", 403);
        expected.put("an hour ahead", 403);
        expected.put("a token used before", 403);
        expected.put("an unknown event", 400);
        expected.put("an overlong recipient", 400);
        List<Map<String, Object>> bodies = List.of(unsigned, wrongKey, tampered, stale, future, replayed, unknownEvent, badRecipient);
        int i = 0;
        for (Map.Entry<String, Integer> want : expected.entrySet()) {
            Api.Response answer = postEvent(path, bodies.get(i++));
            assertEquals(want.getValue(), answer.status(), want.getKey() + ": " + answer.body());
            assertTrue(answer.json().has("detail"), answer.body());
        }
        assertEquals(413, raw(path, Api.write(oversized), "application/json").statusCode(), "larger than a public body may be");
        assertEquals(422, raw(path, "{\"signature\":", "application/json").statusCode(), "not JSON (fidesops answers 422)");
        assertEquals(422, raw(path, "[1,2]", "application/json").statusCode(), "not an object");
        assertEquals(404, postEvent("/api/v1/events/mailgun/no-such-config", mailgunEvent("mg-10", "failed", "permanent", address, id,
                signingKey, token(), now)).status());

        assertEquals(events, mail(id).get("events").size(), "no refused event is on the record");
        assertEquals(0, api.get("/api/v1/suppressions?email=" + address, root).json().get("total").asInt(), "nor suppressed anyone");
    }

    @Test
    void aMailgunConfigWithoutASigningKeyBelievesNoEvent() throws Exception {
        mailgunConfig(Map.of("mailgun_api_key", "key-" + UUID.randomUUID()));
        Api.Response answer = postEvent("/api/v1/events/mailgun/mailgun", mailgunEvent("mg-x", "failed", "permanent",
                "a@example.com", "0".repeat(24), signingKey, token(), Instant.now().getEpochSecond()));
        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.body().contains("mailgun_webhook_signing_key"), answer.body());
        assertFalse(answer.body().contains(signingKey));
    }

    // ---- SES through SNS -----------------------------------------------------------------------

    @Test
    void sesEventsThroughSnsAreVerifiedRecordedAndSuppress() throws Exception {
        sesConfig();
        String address = "complainer-" + UUID.randomUUID() + "@example.com";
        String id = send(address, "Weekly digest");
        String sesId = awaitStatus(id, "sent").get("aws_message_id").asText();
        String path = "/api/v1/events/ses/ses";

        // The subscription: confirmed at its SubscribeURL on the SNS host.
        sns.stubFor(get(urlPathEqualTo("/confirm")).willReturn(aResponse().withStatus(200).withBody("<ConfirmSubscriptionResponse/>")));
        Map<String, Object> confirmation = new LinkedHashMap<>();
        confirmation.put("Type", "SubscriptionConfirmation");
        confirmation.put("MessageId", UUID.randomUUID().toString());
        confirmation.put("Token", "2336412f37fb687f5d51e6e2425c464de12884" + UUID.randomUUID().toString().replace("-", ""));
        confirmation.put("TopicArn", "arn:aws:sns:eu-west-1:123456789012:ses-feedback");
        confirmation.put("Message", "You have chosen to subscribe to the topic. To confirm the subscription, visit the SubscribeURL included in this message.");
        confirmation.put("SubscribeURL", snsBase() + "/confirm?Action=ConfirmSubscription&Token=abc");
        confirmation.put("Timestamp", Instant.now().toString());
        Api.Response subscribed = postSns(path, signer.sign(confirmation, 1, certUrl()));
        assertEquals(200, subscribed.status(), subscribed.body());
        assertEquals("subscribed", subscribed.json().get("result").asText());
        sns.verify(1, getRequestedFor(urlPathEqualTo("/confirm")));

        // A delivery (identity notification, signature version 1), a complaint (event publishing, version 2).
        Api.Response delivered = postSns(path, signer.sign(notification(sesDelivery(sesId, address)), 1, certUrl()));
        assertEquals("recorded", delivered.json().get("result").asText(), delivered.body());
        Map<String, Object> complaint = signer.sign(notification(sesComplaint(sesId, address)), 2, certUrl());
        Api.Response complained = postSns(path, complaint);
        assertEquals("recorded", complained.json().get("result").asText(), complained.body());
        assertEquals(List.of("delivered", "complained"), types(mail(id)));
        assertEquals("abuse", mail(id).get("events").get(1).get("detail").asText());
        JsonNode entry = api.get("/api/v1/suppressions?email=" + address, root).json().get("items").get(0);
        assertEquals("complaint", entry.get("source").asText());
        told(id, "mail.complained");

        // SNS delivers the same message again: nothing changes.
        Api.Response again = postSns(path, complaint);
        assertEquals(200, again.status(), again.body());
        assertEquals("duplicate", again.json().get("result").asText());
        assertEquals(2, mail(id).get("events").size());

        // A permanent bounce of another mail, and that address's next mail is not sent.
        String bounced = "nobody-" + UUID.randomUUID() + "@example.com";
        String other = send(bounced, "Receipt");
        String otherSesId = awaitStatus(other, "sent").get("aws_message_id").asText();
        Api.Response bounce = postSns(path, signer.sign(notification(sesBounce(otherSesId, bounced, "Permanent")), 2, certUrl()));
        assertEquals("recorded", bounce.json().get("result").asText(), bounce.body());
        JsonNode event = mail(other).get("events").get(0);
        assertEquals("hard", event.get("bounce").asText());
        assertTrue(event.get("detail").asText().contains("5.1.1"), event.toString());
        ses.clear();
        awaitStatus(send(bounced, "Another receipt"), "suppressed");
        assertEquals(0, ses.store().get("emails").size(), "SES got nothing for the suppressed address");

        // An event about a mail that is not Mailgate's (another application on the same SES account).
        Api.Response unknown = postSns(path, signer.sign(notification(sesBounce("not-ours-" + UUID.randomUUID(), bounced, "Permanent")),
                2, certUrl()));
        assertEquals(200, unknown.status());
        assertEquals("unknown mail", unknown.json().get("result").asText());
    }

    @Test
    void forgedStaleAndMalformedSnsMessagesAreRefusedAndChangeNothing() throws Exception {
        sesConfig();
        String address = "victim-" + UUID.randomUUID() + "@example.com";
        String id = send(address, "Statement");
        String sesId = awaitStatus(id, "sent").get("aws_message_id").asText();
        String path = "/api/v1/events/ses/ses";
        sns.stubFor(get(urlPathEqualTo("/confirm")).willReturn(aResponse().withStatus(200)));

        Map<String, Object> changed = signer.sign(notification(sesBounce(sesId, address, "Permanent")), 2, certUrl());
        changed.put("Message", sesBounce(sesId, "someone-else@example.com", "Permanent"));
        Map<String, Object> elsewhere = signer.sign(notification(sesBounce(sesId, address, "Permanent")), 2,
                "https://attacker.example/SimpleNotificationService-x.pem");
        Map<String, Object> missingCert = signer.sign(notification(sesBounce(sesId, address, "Permanent")), 2,
                snsBase() + "/missing.pem");
        Map<String, Object> badVersion = signer.sign(notification(sesBounce(sesId, address, "Permanent")), 2, certUrl());
        badVersion.put("SignatureVersion", "3");
        Map<String, Object> unsigned = notification(sesBounce(sesId, address, "Permanent"));
        Map<String, Object> oldMessage = notification(sesBounce(sesId, address, "Permanent"));
        oldMessage.put("Timestamp", Instant.now().minus(Duration.ofHours(3)).toString());
        Map<String, Object> stale = signer.sign(oldMessage, 2, certUrl());
        Map<String, Object> subscribeElsewhere = new LinkedHashMap<>();
        subscribeElsewhere.put("Type", "SubscriptionConfirmation");
        subscribeElsewhere.put("MessageId", UUID.randomUUID().toString());
        subscribeElsewhere.put("Token", "token");
        subscribeElsewhere.put("TopicArn", "arn:aws:sns:eu-west-1:123456789012:ses-feedback");
        subscribeElsewhere.put("Message", "confirm");
        subscribeElsewhere.put("SubscribeURL", "http://attacker.example/confirm");
        subscribeElsewhere.put("Timestamp", Instant.now().toString());
        Map<String, Object> notSes = signer.sign(notification("{\"hello\":\"world\"}"), 2, certUrl());
        Map<String, Object> notJson = signer.sign(notification("Bounce!"), 2, certUrl());

        Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
        cases.put("a signed field changed", changed);
        cases.put("a certificate not on an SNS host", elsewhere);
        cases.put("a certificate that cannot be fetched", missingCert);
        cases.put("an unknown signature version", badVersion);
        cases.put("no signature", unsigned);
        cases.put("signed three hours ago", stale);
        cases.put("a SubscribeURL on another host", signer.sign(subscribeElsewhere, 1, certUrl()));
        cases.put("a message that is no SES event", notSes);
        cases.put("a message that is not JSON", notJson);
        Map<String, Integer> status = Map.of("a message that is no SES event", 400, "a message that is not JSON", 400);
        for (Map.Entry<String, Map<String, Object>> test : cases.entrySet()) {
            Api.Response answer = postSns(path, test.getValue());
            assertEquals(status.getOrDefault(test.getKey(), 403), answer.status(), test.getKey() + ": " + answer.body());
        }
        assertEquals(422, raw(path, "not json", "text/plain; charset=UTF-8").statusCode());
        assertEquals(413, raw(path, "{\"Type\":\"" + "x".repeat(70_000) + "\"}", "text/plain; charset=UTF-8").statusCode());
        assertEquals(404, postSns("/api/v1/events/ses/no-such-config", signer.sign(notification(sesBounce(sesId, address, "Permanent")),
                2, certUrl())).status());
        assertEquals(0, sns.countRequestsMatching(getRequestedFor(urlPathEqualTo("/confirm")).build()).getCount(),
                "no subscription was confirmed");
        assertEquals(0, mail(id).get("events").size(), "no refused event is on the record");
        assertEquals(0, api.get("/api/v1/suppressions?email=" + address, root).json().get("total").asInt());
        assertEquals(0, api.get("/api/v1/suppressions?email=someone-else", root).json().get("total").asInt());
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The application's endpoint got the event of this mail, signed as Standard Webhooks asks. */
    private void told(String mailId, String type) {
        Waiter.until(Duration.ofSeconds(20), type + " of " + mailId + " at the application's endpoint", () -> receiver.received("/events")
                .stream().anyMatch(m -> m.body().contains(mailId) && m.body().contains("\"" + type + "\"")));
        assertTrue(receiver.received("/events").stream().filter(m -> m.body().contains(mailId)).allMatch(WebhookReceiver.Received::verified));
    }

    private void mailgunConfig(Map<String, String> secrets) {
        mailgun.stubFor(post(urlEqualTo(MAILGUN_PATH)).willReturn(okJson("{\"id\":\"<" + UUID.randomUUID() + "@" + DOMAIN
                + ">\",\"message\":\"Queued. Thank you.\"}")));
        mails.configure("mailgun", "mailgun", Map.of("domain", DOMAIN, "base_url", mailgun.baseUrl()), 1, secrets);
    }

    private void sesConfig() {
        sns.stubFor(get(urlEqualTo(CERT_PATH)).willReturn(aResponse().withStatus(200).withBody(signer.certificatePem())));
        mails.configure("ses", "ses", Map.of("region", "eu-west-1", "endpoint_override", ses.endpoint()), 1,
                Map.of("aws_access_key_id", "AKIDEXAMPLE", "aws_secret_access_key", "secret-" + UUID.randomUUID()));
    }

    private String certUrl() {
        return snsBase() + CERT_PATH;
    }

    /** The SNS stand-in as the trusted pattern names it (WireMock's baseUrl says localhost). */
    private String snsBase() {
        return "http://127.0.0.1:" + sns.port();
    }


    private String send(String to, String subject) {
        return mails.send(Map.of("recipients", Map.of("to", List.of(to)), "subject", subject, "body", "Hello"));
    }

    private JsonNode awaitStatus(String id, String status) {
        return mails.awaitStatus(id, status);
    }

    private JsonNode mail(String id) {
        return mails.find(id);
    }

    private List<String> ids(String rql) {
        List<String> ids = new java.util.ArrayList<>();
        api.get("/mail/v1/?" + rql + "&limit(50)", root).json().get("data").forEach(m -> ids.add(m.get("id").asText()));
        return ids;
    }

    private static List<String> types(JsonNode mail) {
        List<String> types = new java.util.ArrayList<>();
        mail.get("events").forEach(e -> types.add(e.get("type").asText()));
        return types;
    }

    private static String token() {
        return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, 50);
    }

    /** A webhook as Mailgun posts it: the signature and the event-data of Mailgun's documentation. */
    private static Map<String, Object> mailgunEvent(String eventId, String event, String severity, String recipient, String mailId,
                                                    String key, String token, long timestamp) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", eventId);
        data.put("timestamp", timestamp + 0.529);
        data.put("log-level", event.equals("failed") ? "error" : "info");
        data.put("event", event);
        if (!severity.isEmpty()) {
            data.put("severity", severity);
            data.put("reason", "bounce");
            data.put("delivery-status", Map.of("attempt-no", 1, "message", "", "code", severity.equals("permanent") ? 550 : 452,
                    "enhanced-code", severity.equals("permanent") ? "5.1.1" : "4.2.2", "description",
                    severity.equals("permanent") ? "550 5.1.1 The email account that you tried to reach does not exist."
                            : "452 4.2.2 The email account that you tried to reach is over quota.", "session-seconds", 0.4));
        }
        if (event.equals("opened")) {
            data.put("client-info", Map.of("client-type", "mobile browser", "client-os", "iOS", "device-type", "mobile",
                    "client-name", "Mobile Safari", "user-agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)", "bot", ""));
            data.put("ip", "203.0.113.7");
        }
        data.put("flags", Map.of("is-routed", false, "is-authenticated", true, "is-system-test", false, "is-test-mode", false));
        data.put("envelope", Map.of("sender", "bob@" + DOMAIN, "transport", "smtp", "targets", recipient));
        data.put("message", Map.of("headers", Map.of("to", recipient, "message-id", "20261127.1@" + DOMAIN, "from", "bob@" + DOMAIN,
                "subject", "Hello"), "attachments", List.of(), "size", 111));
        data.put("recipient", recipient);
        data.put("recipient-domain", recipient.substring(recipient.indexOf('@') + 1));
        data.put("campaigns", List.of());
        data.put("tags", List.of());
        data.put("user-variables", Map.of("mailgate-id", mailId));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signature", new LinkedHashMap<>(Map.of("timestamp", Long.toString(timestamp), "token", token, "signature", signature)));
        body.put("event-data", data);
        return body;
    }

    private static Map<String, Object> notification(String message) {
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("Type", "Notification");
        notification.put("MessageId", UUID.randomUUID().toString());
        notification.put("TopicArn", "arn:aws:sns:eu-west-1:123456789012:ses-feedback");
        notification.put("Message", message);
        notification.put("Timestamp", Instant.now().toString());
        notification.put("UnsubscribeURL", "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x");
        return notification;
    }

    private static String sesMail(String sesId, String address) {
        return "{\"timestamp\":\"" + Instant.now().minusSeconds(5) + "\",\"source\":\"sender@example.org\","
                + "\"sourceArn\":\"arn:aws:ses:eu-west-1:123456789012:identity/example.org\",\"sendingAccountId\":\"123456789012\","
                + "\"messageId\":\"" + sesId + "\",\"destination\":[\"" + address + "\"],\"headersTruncated\":false,"
                + "\"commonHeaders\":{\"from\":[\"sender@example.org\"],\"to\":[\"" + address + "\"],\"subject\":\"Hello\"}}";
    }

    /** SES's identity notification for a delivery (notificationType). */
    private static String sesDelivery(String sesId, String address) {
        return "{\"notificationType\":\"Delivery\",\"mail\":" + sesMail(sesId, address) + ",\"delivery\":{\"timestamp\":\""
                + Instant.now() + "\",\"processingTimeMillis\":546,\"recipients\":[\"" + address + "\"],"
                + "\"smtpResponse\":\"250 ok:  Message 64111812 accepted\",\"remoteMtaIp\":\"192.0.2.1\","
                + "\"reportingMTA\":\"a8-70.smtp-out.amazonses.com\"}}";
    }

    /** SES's event publishing shape for a complaint (eventType). */
    private static String sesComplaint(String sesId, String address) {
        return "{\"eventType\":\"Complaint\",\"complaint\":{\"feedbackId\":\"0102017d-" + UUID.randomUUID() + "\","
                + "\"complaintSubType\":null,\"complainedRecipients\":[{\"emailAddress\":\"" + address + "\"}],"
                + "\"timestamp\":\"" + Instant.now() + "\",\"userAgent\":\"Mozilla/5.0\",\"complaintFeedbackType\":\"abuse\","
                + "\"arrivalDate\":\"" + Instant.now() + "\"},\"mail\":" + sesMail(sesId, address) + "}";
    }

    private static String sesBounce(String sesId, String address, String type) {
        return "{\"eventType\":\"Bounce\",\"bounce\":{\"feedbackId\":\"0102017d-" + UUID.randomUUID() + "\",\"bounceType\":\"" + type
                + "\",\"bounceSubType\":\"General\",\"bouncedRecipients\":[{\"emailAddress\":\"" + address + "\",\"action\":\"failed\","
                + "\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],\"timestamp\":\"" + Instant.now()
                + "\",\"reportingMTA\":\"dsn; a8-70.smtp-out.amazonses.com\"},\"mail\":" + sesMail(sesId, address) + "}";
    }

    private Api.Response postEvent(String path, Map<String, Object> body) {
        return api.postJson(path, null, body);
    }

    /** SNS posts its JSON as text/plain, with its message type in a header. */
    private Api.Response postSns(String path, Map<String, Object> message) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain; charset=UTF-8").header("x-amz-sns-message-type", String.valueOf(message.get("Type")))
                .POST(HttpRequest.BodyPublishers.ofString(Api.write(message))));
    }

    private HttpResponse<String> raw(String path, String body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.base() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
