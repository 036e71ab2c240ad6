package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.Waiter;

/** Template mails end to end: a template made over REST, a mail in Dutch arriving in GreenMail, its pixel counted. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateMailIT {

    private static final Pattern PIXEL = Pattern.compile("/mail/v1/([A-Za-z0-9_-]+)/open");

    private GreenMail smtp;
    private MailgateInstance mailgate;
    private Api api;
    private String token;

    @BeforeAll
    void start() {
        int port = MailgateInstance.freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        mailgate = MailgateInstance.start(Map.of("mailgate.smtp.host", "127.0.0.1", "mailgate.smtp.port", Integer.toString(port),
                "mailgate.public-url", "https://mail.example.org/",
                // Opens are told apart by their user agent here, not by how soon after delivery they come.
                "mailgate.feedback.machine-open-seconds", "0"));
        api = mailgate.api();
        token = api.rootToken();
        api.postJson("/localizations/v1/", token, Map.of("localizations", List.of(
                Map.of("key", "welcome_title", "text", Map.of("EN", "Welcome", "NL", "Welkom")),
                Map.of("key", "welcome_footer", "text", Map.of("EN", "See you & bye")))));
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("name", "welcome-mail");
        template.put("inputs", Map.of("first_name", Map.of("type", "string"), "tracking_hash", Map.of("type", "string")));
        template.put("outputs", Map.of(
                "subject", "{{#t}}welcome_title{{/t}}, {{@inputs.first_name}}",
                "body", "<h1>{{#t}}welcome_title{{/t}} {{@inputs.first_name}}</h1><p>{{{@inputs.first_name}}}</p>"
                        + "<p>{{#t}}welcome_footer{{/t}}</p><img src=\"{{@public_url}}/mail/v1/{{@inputs.tracking_hash}}/open\">",
                "text", "{{#t}}welcome_title{{/t}} {{@inputs.first_name}} ({{@time_zone}})"));
        Api.Response created = api.postJson("/templates/v2/", token, template);
        assertEquals(200, created.status(), created.body());
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @BeforeEach
    void clear() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    @Test
    void aDutchTemplateMailArrivesAsHtmlAndTextAndItsPixelCountsOpens() throws Exception {
        JsonNode mail = send(Map.of("recipients", Map.of("to", List.of("jan@example.com")), "template_name", "welcome-mail",
                "language", "NL", "time_zone", "Europe/Amsterdam", "content", Map.of("first_name", "<Jan>")));
        assertEquals("Welkom, <Jan>", mail.get("subject").asText(), "the resolved subject is kept");
        assertEquals("welcome-mail", mail.get("template_name").asText());
        assertTrue(mail.get("template_id").asText().matches("[0-9a-f]{24}"));
        assertEquals("NL", mail.get("language").asText());
        assertEquals("Europe/Amsterdam", mail.get("time_zone").asText());
        assertEquals("<Jan>", mail.get("content").get("first_name").asText());
        assertFalse(mail.toString().contains("tracking"), "the tracking hash is never part of the Mail object");
        assertFalse(mail.get("content").has("tracking_hash"));

        MimeMessage received = awaitOneMessage();
        assertEquals("Welkom, <Jan>", received.getSubject());
        MimeMultipart alternative = (MimeMultipart) received.getContent();
        assertTrue(received.getContentType().startsWith("multipart/alternative"), received.getContentType());
        assertTrue(alternative.getBodyPart(0).getContentType().startsWith("text/plain"));
        assertEquals("Welkom <Jan> (Europe/Amsterdam)", alternative.getBodyPart(0).getContent().toString());
        assertTrue(alternative.getBodyPart(1).getContentType().startsWith("text/html"));
        String html = alternative.getBodyPart(1).getContent().toString();
        assertTrue(html.contains("<h1>Welkom &lt;Jan&gt;</h1><p><Jan></p>"), html);
        assertTrue(html.contains("<p>See you &amp; bye</p>"), "a key missing in NL falls back to EN: " + html);
        assertTrue(html.contains("https://mail.example.org/mail/v1/"), html);

        Matcher pixel = PIXEL.matcher(html);
        assertTrue(pixel.find(), html);
        String hash = pixel.group(1);
        assertTrue(hash.length() >= 40, "the hash is long enough to be unguessable");
        String id = mail.get("id").asText();
        JsonNode listed = api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data").get(0);
        assertFalse(listed.toString().contains(hash), "the hash is not in the listed Mail either");

        Api.Response json = api.get("/mail/v1/" + hash + "/open", null);
        assertEquals(200, json.status());
        assertEquals(1, json.json().get("records_affected").asInt());
        Api.Response image = api.send(api.request("/mail/v1/" + hash + "/open", null)
                .header("Accept", "image/avif,image/webp,image/*,*/*;q=0.8").GET());
        assertEquals(200, image.status());
        assertEquals("image/gif", image.header("Content-Type"));
        assertTrue(image.header("Cache-Control").contains("no-cache"), String.valueOf(image.header("Cache-Control")));
        assertEquals("no-cache", image.header("Pragma"));
        assertEquals("GIF89a", new String(image.bytes(), 0, 6, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2, views(id));
        Api.Response jsonClient = api.send(api.request("/mail/v1/" + hash + "/open", null)
                .header("Accept", "application/json, image/*").GET());
        assertEquals(1, jsonClient.json().get("records_affected").asInt(), "a client that accepts JSON gets JSON");
        assertEquals(3, views(id));

        // Each open is an opened event too; a scanner's is flagged, a person's mail client's is not.
        api.send(api.request("/mail/v1/" + hash + "/open", null).header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) "
                + "Gecko/20100101 Thunderbird/128.3.0").header("Accept", "image/*").GET());
        api.send(api.request("/mail/v1/" + hash + "/open", null).header("User-Agent", "Mozilla/5.0 (compatible; Barracuda Sentinel)")
                .header("Accept", "image/*").GET());
        assertEquals(5, views(id));
        JsonNode events = api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data").get(0).get("events");
        assertEquals(5, events.size(), events.toString());
        JsonNode person = null;
        JsonNode scanner = null;
        for (JsonNode event : events) {
            assertEquals("opened", event.get("type").asText());
            assertEquals("tracking", event.get("source").asText());
            String agent = event.path("detail").asText("");
            person = agent.contains("Thunderbird") ? event : person;
            scanner = agent.contains("Barracuda") ? event : scanner;
        }
        assertFalse(person.get("machine").asBoolean(), person.toString());
        assertTrue(scanner.get("machine").asBoolean(), scanner.toString());
    }

    @Test
    void fiftyConcurrentOpensCountFiftyViews() throws Exception {
        JsonNode mail = send(Map.of("recipients", Map.of("to", List.of("many@example.com")), "template_name", "welcome-mail",
                "content", Map.of("first_name", "Many")));
        Matcher pixel = PIXEL.matcher(html(awaitOneMessage()));
        assertTrue(pixel.find());
        String path = "/mail/v1/" + pixel.group(1) + "/open";
        ExecutorService pool = Executors.newFixedThreadPool(25);
        try {
            List<Future<Integer>> opens = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                opens.add(pool.submit(() -> api.get(path, null).json().get("records_affected").asInt()));
            }
            for (Future<Integer> open : opens) {
                assertEquals(1, open.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(50, views(mail.get("id").asText()));
    }

    @Test
    void unknownHashesAndPlainMailsAreNotTracked() throws Exception {
        assertEquals(0, api.get("/mail/v1/not-a-hash/open", null).json().get("records_affected").asInt());
        assertEquals(0, api.get("/mail/v1/" + "x".repeat(300) + "/open", null).json().get("records_affected").asInt());
        assertEquals(0, api.get("/mail/v1/%27%20OR%201=1/open", null).json().get("records_affected").asInt());
        Api.Response gif = api.send(api.request("/mail/v1/unknown/open", null).header("Accept", "image/png").GET());
        assertEquals("image/gif", gif.header("Content-Type"), "a mail client still gets its pixel");

        JsonNode plain = send(Map.of("recipients", Map.of("to", List.of("plain@example.com")), "subject", "Plain",
                "body", "No pixel"));
        String raw = new String(awaitOneMessage().getRawInputStream().readAllBytes());
        assertFalse(raw.contains("/open"), raw);
        assertEquals(0, views(plain.get("id").asText()));
    }

    @Test
    void templateProblemsAreClientErrorsAndNothingIsStored() {
        assertError(api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("a@example.com")),
                "template_name", "no-such-template")), 404, 16);
        assertError(api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("a@example.com")),
                "template_id", "000000000000000000000000")), 404, 16);
        assertError(api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("a@example.com")),
                "template_name", "welcome-mail", "content", Map.of("first_name", 42))), 400, 1003);
        assertError(api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("a@example.com")),
                "template_name", "welcome-mail")), 400, 1003);
        assertError(api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("a@example.com")),
                "template_name", "welcome-mail", "content", Map.of("first_name", "x\r\nBcc: v@example.com"))), 400, 1005);
        assertEquals(0, api.get("/mail/v1/?eq(recipients.to,a%2540example.com)", token).json().get("page").get("total").asInt());
    }

    @Test
    void aBuiltInNoticeCanBeMailedInGerman() throws Exception {
        send(Map.of("recipients", Map.of("to", List.of("de@example.com")), "template_name", "privacy_request_complete_deletion",
                "language", "DE"));
        MimeMessage received = awaitOneMessage();
        assertEquals("Ihre Daten wurden gelöscht", received.getSubject());
        String html = html(received);
        assertTrue(html.contains("lang=\"de\""), html);
        assertTrue(PIXEL.matcher(html).find(), "built-in notices carry the tracking pixel");
    }

    @Test
    void templatesAndLocalizationsSurviveARestart() {
        java.nio.file.Path dataDir = MailgateInstance.tempDir();
        int port = MailgateInstance.freePort();
        Map<String, Object> template = Map.of("name", "durable", "outputs", Map.of("subject", "{{#t}}durable_key{{/t}}", "body", "b"));
        try (MailgateInstance first = MailgateInstance.start(TestDatabase.H2, Map.of(), port, dataDir)) {
            String root = first.api().rootToken();
            first.api().postJson("/localizations/v1/", root, Map.of("localizations",
                    List.of(Map.of("key", "durable_key", "text", Map.of("EN", "Still here")))));
            assertEquals(200, first.api().postJson("/templates/v2/", root, template).status());
        }
        try (MailgateInstance second = MailgateInstance.start(TestDatabase.H2, Map.of(), port, dataDir)) {
            Api.Response resolved = second.api().postJson("/templates/v2/durable/resolve", second.api().rootToken(), Map.of());
            assertEquals("Still here", resolved.json().get("subject").asText(), resolved.body());
        }
    }

    private JsonNode send(Map<String, Object> request) {
        Api.Response response = api.postJson("/mail/v1/", token, request);
        assertEquals(200, response.status(), response.body());
        return response.json();
    }

    private MimeMessage awaitOneMessage() {
        Waiter.until(Duration.ofSeconds(20), "one delivery", () -> smtp.getReceivedMessages().length == 1);
        return smtp.getReceivedMessages()[0];
    }

    private static String html(MimeMessage message) throws Exception {
        Object content = message.getContent();
        if (content instanceof MimeMultipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                if (multipart.getBodyPart(i).getContentType().startsWith("text/html")) {
                    return multipart.getBodyPart(i).getContent().toString();
                }
            }
        }
        return content.toString();
    }

    private int views(String id) {
        return api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data").get(0).get("views").asInt();
    }

    private static void assertError(Api.Response response, int status, int code) {
        assertEquals(status, response.status(), response.body());
        assertEquals(code, response.json().get("code").asInt(), response.body());
    }
}
