package io.mailgate.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.SesEmulator;
import io.mailgate.support.Waiter;

/**
 * Delivery through every provider over its real protocol: Mailgun (a local HTTP server checking the
 * request), SES (the aws-ses-v2-local emulator) and SMTP (GreenMail, with auth and TLS), failover
 * between them, retries, Retry-After and throttling, all configured at run time over REST.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProviderDeliveryIT {

    private static final String DOMAIN = "mg.example.com";
    private static final String MAILGUN_PATH = "/v3/" + DOMAIN + "/messages.mime";

    private final String mailgunKey = "key-" + UUID.randomUUID();
    private final String smtpPassword = "pw-" + UUID.randomUUID();
    private final String awsSecret = "aws-" + UUID.randomUUID();
    private final List<String> answers = new ArrayList<>();

    private WireMockServer mailgun;
    /** Sits between Mailgate and the SES emulator to show the SendRawEmail request as sent. */
    private WireMockServer sesProxy;
    private GreenMail smtp;
    private GreenMail smtps;
    private SesEmulator ses;
    private MailgateInstance mailgate;
    private Api api;
    private String token;

    @BeforeAll
    void start() {
        mailgun = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        mailgun.start();
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.setUser("sender@example.org", "smtp-user", smtpPassword);
        smtp.start();
        smtps = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
        smtps.setUser("sender@example.org", "smtp-user", smtpPassword);
        smtps.start();
        // GreenMail's certificate is self-signed and names no host: trust it and skip the identity check,
        // in this test only (camel-mail reads JavaMail settings from system properties).
        System.setProperty("mail.smtp.ssl.trust", "127.0.0.1");
        System.setProperty("mail.smtp.ssl.checkserveridentity", "false");
        ses = SesEmulator.start();
        sesProxy = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sesProxy.start();
        mailgate = MailgateInstance.start(Map.of(
                // A provider that stays unusable for 3 s fails the mail; the circuits stay out of the way here.
                "mailgate.delivery.retry-schedule", "200ms",
                "mailgate.delivery.max-age", "3s",
                "mailgate.delivery.circuit.minimum-calls", "1000",
                "mailgate.delivery.circuit.window", "1000"));
        api = mailgate.api();
        token = api.rootToken();
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {ses}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
        if (mailgun != null) {
            mailgun.stop();
        }
        if (sesProxy != null) {
            sesProxy.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
        if (smtps != null) {
            smtps.stop();
        }
    }

    @AfterEach
    void reset() throws Exception {
        for (JsonNode config : call(api.get("/api/v1/email/config?size=100", token)).json().get("items")) {
            api.delete("/api/v1/email/config/" + config.get("key").asText(), token);
        }
        mailgun.resetAll();
        sesProxy.resetAll();
        smtp.purgeEmailFromAllMailboxes();
        smtps.purgeEmailFromAllMailboxes();
        ses.clear();
    }

    // ---- Mailgun ------------------------------------------------------------------------------

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void mailgunGetsTheMimeMessageEveryRecipientAndBasicAuth() throws Exception {
        mailgun.stubFor(post(urlEqualTo(MAILGUN_PATH)).willReturn(okJson(
                "{\"id\":\"<20261121.abc@mg.example.com>\",\"message\":\"Queued. Thank you.\"}")));
        configure("mailgun-us", "mailgun", Map.of("domain", DOMAIN, "base_url", mailgun.baseUrl()), 1,
                Map.of("mailgun_api_key", mailgunKey));

        Map<String, Object> request = fullMail("Via Mailgun");
        List<Map<String, String>> attachments = new ArrayList<>((List<Map<String, String>>) request.get("attachments"));
        attachments.add(Map.of("name", "plain name.txt", "type", "text/plain", "content", "aGk="));
        attachments.add(Map.of("name", "naïve résumé ü.txt", "type", "text/plain", "content", "aGk="));
        request.put("attachments", attachments);
        String id = send(request);
        JsonNode sent = awaitStatus(id, "sent");
        assertEquals("mailgun-us", sent.get("provider").asText());
        assertEquals("<20261121.abc@mg.example.com>", sent.get("aws_message_id").asText());

        // Mailgun's documented MIME request: POST /v3/{domain}/messages.mime, multipart form, to + message.
        List<ServeEvent> calls = mailgun.getAllServeEvents();
        assertEquals(1, calls.size(), () -> calls.stream().map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl()
                + " " + e.getRequest().getHeaders() + " -> " + e.getResponse().getStatus()).toList().toString());
        Request call = calls.get(0).getRequest();
        assertEquals(MAILGUN_PATH, call.getUrl());
        assertEquals("Basic " + Base64.getEncoder().encodeToString(("api:" + mailgunKey).getBytes(StandardCharsets.UTF_8)),
                call.getHeader("Authorization"));
        // RFC 7578: a form in UTF-8 that declares no charset of its own (HttpClient's said ISO-8859-1).
        String contentType = call.getHeader("Content-Type");
        assertTrue(contentType.startsWith("multipart/form-data; boundary="), contentType);
        assertFalse(contentType.toLowerCase(java.util.Locale.ROOT).contains("charset"), contentType);
        assertEquals(List.of("<" + id + "@example.org>"), parts(call).get("h:Message-Id"), "a resend keeps the id");
        assertEquals(List.of(id), parts(call).get("v:mailgate-id"), "Mailgun's events lead back to the mail");
        String raw = new String(call.getBody(), StandardCharsets.UTF_8);
        assertTrue(raw.contains("Content-Disposition: form-data; name=\"message\"; filename=\"message.mime\""), raw);
        assertEquals(List.of("to@example.com", "to2@example.com", "cc@example.com", "bcc@example.com"), parts(call).get("to"),
                "every recipient, blind ones too, in the envelope");
        MimeMessage message = mimePart(call);
        assertEquals("<" + id + "@example.org>", message.getMessageID(), "Mailgate's Message-ID, not one Mailgun makes");
        assertEquals("Sender <sender@example.org>", message.getFrom()[0].toString());
        assertEquals("to@example.com, to2@example.com", message.getHeader("To", ", "));
        assertEquals("cc@example.com", message.getHeader("Cc", ", "));
        assertEquals(null, message.getHeader("Bcc"), "a blind recipient is named in no header");
        assertEquals("Via Mailgun", message.getSubject());
        assertEquals("replies@example.com", message.getHeader("Reply-To", ", "));
        jakarta.mail.internet.MimeMultipart mixed = (jakarta.mail.internet.MimeMultipart) message.getContent();
        assertEquals("Plain body ü", mixed.getBodyPart(0).getContent());
        assertEquals("report.pdf", mixed.getBodyPart(1).getFileName());
        assertTrue(mixed.getBodyPart(1).getContentType().startsWith("application/pdf"));
        assertEquals("%PDF-1.4 fake", new String(mixed.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        assertEquals(id, message.getHeader("X-Mailgate-Id", null));
        // Names as they were given: quoted when ASCII, RFC 2231 (UTF-8, percent-encoded) when not, and
        // never an encoded word inside the parameter or a name encoded twice.
        assertEquals("plain name.txt", mixed.getBodyPart(2).getFileName());
        assertEquals("naïve résumé ü.txt", mixed.getBodyPart(3).getFileName());
        assertTrue(raw.contains("filename=\"plain name.txt\""), raw);
        assertTrue(raw.contains("filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9%20%C3%BC.txt"), raw);
        assertFalse(raw.contains("=?UTF-8?"), "no RFC 2047 word in a parameter");
    }

    @Test
    @Order(2)
    void mailgunTemplateMailsCarryTheirHtmlAndTheConfiguredBaseAndVersion() throws Exception {
        String path = "/eu-proxy/v4/mg.example.eu/messages.mime";
        mailgun.stubFor(post(urlEqualTo(path)).willReturn(okJson("{\"id\":\"<eu@mg.example.eu>\",\"message\":\"Queued\"}")));
        configure("mailgun-eu", "mailgun", Map.of("domain", "mg.example.eu", "is_eu_domain", true,
                "api_version", "v4", "base_url", mailgun.baseUrl() + "/eu-proxy"), 1, Map.of("mailgun_api_key", mailgunKey));
        awaitStatus(send(Map.of("recipients", Map.of("to", List.of("eu@example.com")),
                "template_name", "privacy_request_complete_deletion", "language", "NL")), "sent");
        Request call = mailgun.getAllServeEvents().get(0).getRequest();
        assertEquals(path, call.getUrl());
        MimeMessage message = mimePart(call);
        assertEquals("Je gegevens zijn verwijderd", message.getSubject());
        jakarta.mail.internet.MimeMultipart alternative = (jakarta.mail.internet.MimeMultipart) message.getContent();
        String text = alternative.getBodyPart(0).getContent().toString();
        String html = alternative.getBodyPart(1).getContent().toString();
        assertTrue(html.contains("<html lang=\"nl\">"), html);
        assertTrue(text.contains("verwijderd"), text);
    }

    // ---- SES ----------------------------------------------------------------------------------

    @Test
    @Order(3)
    void sesGetsTheRawMessageWithEveryRecipientAndAttachment() throws Exception {
        sesProxy.stubFor(post(urlEqualTo("/")).willReturn(aResponse().proxiedFrom(ses.endpoint())));
        configure("ses", "ses", Map.of("region", "eu-west-1", "endpoint_override", sesProxy.baseUrl()), 1,
                Map.of("aws_access_key_id", "AKIDEXAMPLE", "aws_secret_access_key", awsSecret));
        JsonNode sent = awaitStatus(send(fullMail("Via SES")), "sent");
        assertEquals("ses", sent.get("provider").asText());
        assertFalse(sent.get("aws_message_id").asText().isBlank());

        // The request as SES gets it: SendRawEmail, every recipient (bcc too) in Destinations.
        Request request = sesProxy.getAllServeEvents().get(0).getRequest();
        String form = java.net.URLDecoder.decode(request.getBodyAsString(), StandardCharsets.UTF_8);
        assertTrue(form.contains("Action=SendRawEmail"), form);
        assertTrue(form.contains("Source=sender@example.org"), form);
        for (String address : List.of("to@example.com", "to2@example.com", "cc@example.com", "bcc@example.com")) {
            assertTrue(form.contains("=" + address), address + " in " + form);
        }
        assertTrue(request.getHeader("Authorization").contains("Credential=AKIDEXAMPLE/"), "signed with the config's key");

        // What the emulator made of it: the message itself, without a Bcc header.
        JsonNode emails = ses.store().get("emails");
        assertEquals(1, emails.size(), emails.toString());
        JsonNode email = emails.get(0);
        assertEquals("Via SES", email.get("subject").asText());
        String destinations = email.get("destination").toString();
        assertTrue(destinations.contains("cc@example.com"), destinations);
        assertFalse(destinations.contains("bcc@example.com"), "bcc travels in the envelope only: " + destinations);
        assertTrue(email.get("attachments").toString().contains("report.pdf"), email.get("attachments").toString());
        assertTrue(email.toString().contains("Plain body"), email.toString());
    }

    @Test
    @Order(12)
    void sesMakesOneRequestPerAttemptUnderThrottling() {
        // Throttled three times, then the emulator answers. The SDK's own retries would multiply
        // Mailgate's (16 requests for one mail); here every request is one of Mailgate's attempts.
        String throttled = "<ErrorResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\"><Error><Type>Sender</Type>"
                + "<Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error>"
                + "<RequestId>0</RequestId></ErrorResponse>";
        String[] states = {Scenario.STARTED, "second", "third", "through"};
        for (int i = 0; i < 3; i++) {
            sesProxy.stubFor(post(urlEqualTo("/")).inScenario("throttled").whenScenarioStateIs(states[i])
                    .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml").withBody(throttled))
                    .willSetStateTo(states[i + 1]));
        }
        sesProxy.stubFor(post(urlEqualTo("/")).inScenario("throttled").whenScenarioStateIs("through")
                .willReturn(aResponse().proxiedFrom(ses.endpoint())));
        configure("ses-throttled", "ses", Map.of("region", "eu-west-1", "endpoint_override", sesProxy.baseUrl()), 1,
                Map.of("aws_access_key_id", "AKIDEXAMPLE", "aws_secret_access_key", awsSecret));
        JsonNode sent = awaitStatus(send(fullMail("Throttled")), "sent");
        assertEquals(4, sent.get("attempts").asInt(), sent.toString());
        assertEquals(4, sesProxy.getAllServeEvents().size(), "one request per attempt");
    }

    // ---- SMTP ---------------------------------------------------------------------------------

    @Test
    @Order(4)
    void smtpAuthenticatesOverTls() throws Exception {
        configure("smtps", "smtp", Map.of("host", "127.0.0.1", "port", smtps.getSmtps().getPort(), "security", "tls"), 1,
                Map.of("username", "smtp-user", "password", smtpPassword));
        JsonNode sent = awaitStatus(send(fullMail("Via SMTPS")), "sent");
        assertEquals("smtps", sent.get("provider").asText());
        Waiter.until(Duration.ofSeconds(20), "four deliveries", () -> smtps.getReceivedMessages().length == 4);
        MimeMessage received = smtps.getReceivedMessages()[0];
        assertEquals("Via SMTPS", received.getSubject());
        assertEquals(sent.get("aws_message_id").asText(), received.getMessageID());
    }

    @Test
    @Order(5)
    void aWrongSmtpPasswordDefersTheMailUntilItsLifetimeEnds() {
        // The account's problem, not the mail's: the mail waits for an operator to fix the password, as
        // Postfix defers on a SASL failure, and fails once the queue's lifetime (3 s here) is over.
        configure("smtp-wrong", "smtp", Map.of("host", "127.0.0.1", "port", smtp.getSmtp().getPort(), "security", "none"), 1,
                Map.of("username", "smtp-user", "password", "wrong"));
        String id = send(fullMail("Wrong password"));
        JsonNode deferred = awaitDeferred(id);
        assertTrue(deferred.get("last_error").asText().contains("smtp-wrong: transient"), deferred.toString());
        JsonNode failed = awaitStatus(id, "failed");
        String reason = failed.get("failure_reason").asText();
        assertTrue(reason.startsWith("undelivered after ") && reason.contains("smtp-wrong: transient"), reason);
        assertTrue(failed.get("attempts").asInt() >= 2, failed.toString());
        assertEquals(0, smtp.getReceivedMessages().length);
    }

    @Test
    @Order(6)
    void starttlsIsRequiredNeverSkipped() {
        // GreenMail offers no STARTTLS: a config that asks for it must fail rather than send in clear text.
        configure("smtp-starttls", "smtp", Map.of("host", "127.0.0.1", "port", smtp.getSmtp().getPort(), "security", "starttls"),
                1, Map.of("username", "smtp-user", "password", smtpPassword));
        // Deferred (the server or the config will be fixed, as Postfix defers it), then FAILED after 3 s.
        JsonNode failed = awaitStatus(send(fullMail("Needs STARTTLS")), "failed");
        assertTrue(failed.get("failure_reason").asText().toUpperCase().contains("STARTTLS"), failed.toString());
        assertTrue(failed.get("attempts").asInt() >= 2, failed.toString());
        assertEquals(0, smtp.getReceivedMessages().length);
    }

    // ---- failover, retries, throttling --------------------------------------------------------

    @Test
    @Order(7)
    void aMailgunOutageFailsOverToSmtpWithNothingLost() throws Exception {
        mailgun.stubFor(post(urlEqualTo(MAILGUN_PATH)).willReturn(aResponse().withStatus(503).withBody("down")));
        configure("mailgun-down", "mailgun", Map.of("domain", DOMAIN, "base_url", mailgun.baseUrl()), 1,
                Map.of("mailgun_api_key", mailgunKey));
        configure("smtp-backup", "smtp", Map.of("host", "127.0.0.1", "port", smtp.getSmtp().getPort(), "security", "none"), 2,
                Map.of("username", "smtp-user", "password", smtpPassword));
        JsonNode sent = awaitStatus(send(fullMail("Failover")), "sent");
        assertEquals("smtp-backup", sent.get("provider").asText());
        assertEquals(1, mailgun.getAllServeEvents().size(), "after a 503 the next provider takes over at once");
        assertEquals(1, sent.get("attempts").asInt(), "in the same attempt");
        Waiter.until(Duration.ofSeconds(20), "four deliveries", () -> smtp.getReceivedMessages().length == 4);
        assertEquals("Failover", smtp.getReceivedMessages()[0].getSubject());
    }

    @Test
    @Order(8)
    void aBadRequestFailsAtOnceAnUnauthorizedMailgunWaitsForItsKey() {
        mailgun.stubFor(post(urlEqualTo(MAILGUN_PATH)).willReturn(aResponse().withStatus(400).withBody("'to' parameter is not valid")));
        configure("mailgun-400", "mailgun", Map.of("domain", DOMAIN, "base_url", mailgun.baseUrl()), 1,
                Map.of("mailgun_api_key", mailgunKey));
        JsonNode refused = awaitStatus(send(fullMail("Bad request")), "failed");
        assertEquals(1, mailgun.getAllServeEvents().size(), "a 400 is permanent: one attempt");
        assertEquals(1, refused.get("attempts").asInt());
        assertTrue(refused.get("failure_reason").asText().contains("mailgun-400: permanent: HTTP 400"), refused.toString());
        api.delete("/api/v1/email/config/mailgun-400", token);
        mailgun.resetAll();

        mailgun.stubFor(post(urlEqualTo(MAILGUN_PATH)).willReturn(aResponse().withStatus(401).withBody("Forbidden")));
        configure("mailgun-401", "mailgun", Map.of("domain", DOMAIN, "base_url", mailgun.baseUrl()), 1,
                Map.of("mailgun_api_key", "key-wrong"));
        JsonNode failed = awaitStatus(send(fullMail("Unauthorized")), "failed");
        int attempts = failed.get("attempts").asInt();
        assertTrue(attempts >= 2, "a 401 is the key's problem: the mail waits and is tried again: " + failed);
        assertEquals(attempts, mailgun.getAllServeEvents().size(), "one request per attempt");
        assertTrue(failed.get("failure_reason").asText().contains("HTTP 401"), failed.toString());
        assertEquals("mailgun-401", failed.get("provider").asText());
    }

    @Test
    @Order(9)
    void retryAfterIsHonoured() {
        mailgun.stubFor(post(urlEqualTo(MAILGUN_PATH)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1").withBody("slow down"))
                .willSetStateTo("calm"));
        mailgun.stubFor(post(urlEqualTo(MAILGUN_PATH)).inScenario("busy").whenScenarioStateIs("calm")
                .willReturn(okJson("{\"id\":\"<later@mg.example.com>\",\"message\":\"Queued\"}")));
        configure("mailgun-busy", "mailgun", Map.of("domain", DOMAIN, "base_url", mailgun.baseUrl()), 1,
                Map.of("mailgun_api_key", mailgunKey));
        awaitStatus(send(fullMail("Patience")), "sent");
        List<ServeEvent> calls = new ArrayList<>(mailgun.getAllServeEvents());
        assertEquals(2, calls.size());
        calls.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        long gap = calls.get(1).getRequest().getLoggedDate().getTime() - calls.get(0).getRequest().getLoggedDate().getTime();
        assertTrue(gap >= 950, "waited " + gap + " ms, Retry-After asked 1 s (the schedule alone is 200 ms)");
    }

    @Test
    @Order(10)
    void theThrottleHoldsABurstToTheRateLimit() throws Exception {
        Path outbox = MailgateInstance.tempDir();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("key", "outbox-throttled");
        config.put("name", "outbox-throttled");
        config.put("service_type", "outbox");
        config.put("details", Map.of("directory", outbox.toString()));
        config.put("rate_limit", 40);
        assertEquals(200, call(api.postJson("/api/v1/email/config", token, config)).status());

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(send(Map.of("recipients", Map.of("to", List.of("burst@example.com")), "subject", "Burst " + i, "body", "x")));
        }
        Waiter.until(Duration.ofSeconds(30), "100 files in the outbox", () -> {
            try (var files = Files.list(outbox)) {
                return files.filter(f -> f.toString().endsWith(".eml")).count() == 100;
            }
        });
        List<Long> sentAt = new ArrayList<>();
        for (String id : ids) {
            JsonNode mail = awaitStatus(id, "sent");
            assertEquals("outbox-throttled", mail.get("provider").asText());
            sentAt.add(mail.get("update_timestamp").asLong());
        }
        long span = sentAt.stream().max(Long::compare).orElseThrow() - sentAt.stream().min(Long::compare).orElseThrow();
        // 100 mails at 40 per second need at least three one-second windows: a span of two seconds or more.
        assertTrue(span >= 1900, "100 mails at 40/s went out within " + span + " ms");
    }

    @Test
    @Order(11)
    void aDisabledConfigIsSkippedForTheNextMail() {
        configure("outbox-off", "outbox", Map.of("directory", MailgateInstance.tempDir().toString()), 1, Map.of());
        assertEquals("outbox-off", awaitStatus(send(fullMail("On")), "sent").get("provider").asText());
        Map<String, Object> disabled = new LinkedHashMap<>();
        disabled.put("key", "outbox-off");
        disabled.put("name", "outbox-off");
        disabled.put("service_type", "outbox");
        disabled.put("details", Map.of("directory", MailgateInstance.tempDir().toString()));
        disabled.put("enabled", false);
        assertEquals(200, call(api.send(api.request("/api/v1/email/config/outbox-off", token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(disabled))))).status());
        assertEquals("outbox", awaitStatus(send(fullMail("Off")), "sent").get("provider").asText(),
                "with no usable config the file-configured provider delivers");
    }

    @Test
    @Order(99)
    void secretsNeverAppearInResponsesOrLogs() throws Exception {
        Path log = Path.of("target/test-logs/mailgate.log");
        String logged = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        assertFalse(logged.isEmpty(), "the test run's log is where it should be");
        for (String secret : List.of(mailgunKey, smtpPassword, awsSecret)) {
            assertFalse(logged.contains(secret), "a secret was logged");
            answers.forEach(body -> assertFalse(body.contains(secret), "a secret was answered: " + body));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void configure(String key, String type, Map<String, Object> details, int priority, Map<String, String> secrets) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("key", key);
        config.put("name", key);
        config.put("service_type", type);
        config.put("details", details);
        config.put("priority", priority);
        Api.Response created = call(api.postJson("/api/v1/email/config", token, config));
        assertEquals(200, created.status(), created.body());
        if (!secrets.isEmpty()) {
            Api.Response stored = call(api.send(api.request("/api/v1/email/config/" + key + "/secret", token)
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Api.write(secrets)))));
            assertEquals(200, stored.status(), stored.body());
        }
    }

    private static Map<String, Object> fullMail(String subject) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("recipients", Map.of("to", List.of("to@example.com", "to2@example.com"), "cc", List.of("cc@example.com"),
                "bcc", List.of("bcc@example.com")));
        request.put("from", "Sender <sender@example.org>");
        request.put("reply_to", List.of("replies@example.com"));
        request.put("subject", subject);
        request.put("body", "Plain body ü");
        request.put("attachments", List.of(Map.of("name", "report.pdf", "type", "application/pdf",
                "content", Base64.getEncoder().encodeToString("%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII)))));
        return request;
    }

    private String send(Map<String, Object> request) {
        Api.Response response = call(api.postJson("/mail/v1/", token, request));
        assertEquals(200, response.status(), response.body());
        return response.json().get("id").asText();
    }

    private JsonNode awaitStatus(String id, String status) {
        JsonNode[] found = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be " + status, () -> {
            JsonNode data = call(api.get("/mail/v1/queued?eq(id," + id + ")", token)).json().get("data");
            if (data.size() == 0) {
                data = call(api.get("/mail/v1/?eq(id," + id + ")", token)).json().get("data");
            }
            found[0] = data.size() == 1 ? data.get(0) : null;
            return found[0] != null && status.equals(found[0].get("status").asText());
        });
        return found[0];
    }

    /** A mail that an attempt could not deliver and that waits, QUEUED, for its next attempt. */
    private JsonNode awaitDeferred(String id) {
        JsonNode[] found = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be deferred", () -> {
            JsonNode data = call(api.get("/mail/v1/queued?eq(id," + id + ")", token)).json().get("data");
            found[0] = data.size() == 1 ? data.get(0) : null;
            return found[0] != null && "queued".equals(found[0].get("status").asText()) && found[0].has("next_attempt_timestamp");
        });
        return found[0];
    }

    private Api.Response call(Api.Response response) {
        answers.add(response.body());
        return response;
    }

    private static Map<String, List<String>> parts(Request request) {
        return request.getParts().stream().filter(p -> !p.getName().equals("message")).collect(Collectors.groupingBy(
                Request.Part::getName, LinkedHashMap::new, Collectors.mapping(p -> p.getBody().asString(), Collectors.toList())));
    }

    /** The message part of a messages.mime request, as the MIME message Mailgun sends. */
    private static MimeMessage mimePart(Request request) throws Exception {
        Request.Part part = request.getParts().stream().filter(p -> p.getName().equals("message")).findFirst().orElseThrow();
        return new MimeMessage(jakarta.mail.Session.getInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(part.getBody().asBytes()));
    }
}
