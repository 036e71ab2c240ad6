package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.mail.Message;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.Waiter;

/**
 * The /mail/v1 contract against a real Mailgate delivering to its outbox: sending, validation,
 * RQL listing and deletion. Runs once per database (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MailApiContract {

    private final TestDatabase database;
    private MailgateInstance mailgate;
    private Api api;
    private String token;
    /** Marks this run's mails, so that queries ignore what other runs left in a shared database. */
    private final String tag = "run" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> created = new ArrayList<>();

    MailApiContract(TestDatabase database) {
        this.database = database;
    }

    @BeforeAll
    void start() {
        mailgate = MailgateInstance.start(database, Map.of());
        api = mailgate.api();
        token = api.rootToken();
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            created.forEach(id -> api.delete("/mail/v1/" + id, token));
            mailgate.close();
        }
    }

    // ---- sending ------------------------------------------------------------------------------

    @Test
    void aSentMailIsStoredQueuedAndThenWrittenToTheOutboxAsSent() throws Exception {
        Map<String, Object> request = plainMail("Outbox " + tag);
        request.put("recipients", Map.of("to", List.of("John <john@example.com>"), "cc", List.of("cc@example.com"),
                "bcc", List.of("bcc@example.com")));
        request.put("reply_to", List.of("replies@example.com"));
        request.put("from", "Sender <sender@example.org>");
        request.put("attachments", List.of(Map.of("name", "hello.txt", "type", "text/plain",
                "content", Base64.getEncoder().encodeToString("Hello, World!".getBytes(StandardCharsets.UTF_8)))));

        Api.Response response = send(request);

        assertEquals(200, response.status(), response.body());
        JsonNode mail = response.json();
        assertTrue(mail.get("id").asText().matches("[0-9a-f]{24}"));
        assertEquals("queued", mail.get("status").asText());
        assertEquals(Api.ROOT_ID, mail.get("creator_id").asText());
        assertFalse(mail.has("attachments"), "attachments are never part of the Mail object");
        JsonNode sent = awaitStatus(mail.get("id").asText(), "sent");
        assertEquals("outbox", sent.get("provider").asText());

        Path eml = mailgate.outbox().resolve(mail.get("id").asText() + ".eml");
        MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(Files.readAllBytes(eml)));
        assertEquals(sent.get("aws_message_id").asText(), message.getMessageID());
        assertEquals("Outbox " + tag, message.getSubject());
        assertEquals("Sender <sender@example.org>", message.getFrom()[0].toString());
        assertEquals("John <john@example.com>", message.getRecipients(Message.RecipientType.TO)[0].toString());
        assertEquals("cc@example.com", message.getRecipients(Message.RecipientType.CC)[0].toString());
        assertEquals("replies@example.com", message.getReplyTo()[0].toString());
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertEquals(2, parts.getCount());
        assertEquals("Body of Outbox " + tag, parts.getBodyPart(0).getContent().toString());
        assertEquals("hello.txt", parts.getBodyPart(1).getFileName());
        assertEquals(Part.ATTACHMENT, parts.getBodyPart(1).getDisposition());
        assertTrue(parts.getBodyPart(1).getContentType().startsWith("text/plain"));
        assertEquals("Hello, World!", new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void inboundHeadersNeverReachTheMailOrTheResponse() throws Exception {
        Api.Response response = api.send(api.request("/mail/v1/", token)
                .header("Content-Type", "application/json")
                .header("X-Injected", "evil")
                .header("Subject", "Overridden")
                .POST(HttpRequest.BodyPublishers.ofString(Api.write(plainMail("Headers " + tag)))));
        assertEquals(200, response.status(), response.body());
        assertNull(response.header("Authorization"), "the bearer token is not echoed back");
        assertNull(response.header("X-Injected"));
        String id = track(response).get("id").asText();
        awaitStatus(id, "sent");
        String eml = Files.readString(mailgate.outbox().resolve(id + ".eml"), StandardCharsets.UTF_8);
        assertFalse(eml.contains("X-Injected"), eml);
        assertFalse(eml.contains("Overridden"), eml);
        assertFalse(eml.contains("Authorization"), eml);
        assertTrue(eml.contains("Content-Type: text/plain; charset=UTF-8"), eml);
    }

    @Test
    void theFromAddressDefaultsToTheConfiguredSender() {
        JsonNode mail = track(send(plainMail("Default from " + tag))).deepCopy();
        assertEquals("mailgate@localhost", mail.get("from").asText());
    }

    // ---- validation: each a 400 with its code, and nothing stored -------------------------------

    @Test
    void anEmptyBodyIsRefusedWithCode13() {
        assertRefused(api.postJson("/mail/v1/", token, ""), 13);
        assertRefused(api.postJson("/mail/v1/", token, "   "), 13);
    }

    @Test
    void malformedJsonIsRefusedWithCode22() {
        assertRefused(api.postJson("/mail/v1/", token, "{\"recipients\":"), 22);
        assertRefused(api.postJson("/mail/v1/", token, "[1,2]"), 22);
        assertRefused(api.postJson("/mail/v1/", token, "\"text\""), 22);
        assertRefused(api.postJson("/mail/v1/", token, "{} {}"), 22);
        assertRefused(api.postJson("/mail/v1/", token, "{\"a\":1,\"a\":2}"), 22);
        assertRefused(api.postJson("/mail/v1/", token, "[".repeat(5000)), 22);
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWithCode22() {
        assertRefused(api.postForm("/mail/v1/", Map.of("subject", "x"), "Authorization", "Bearer " + token), 22);
    }

    @Test
    void unknownFieldsAreRefusedWithCode22() {
        assertRefused(send(with(m -> m.put("priority", "high"))), 22);
        assertRefused(send(with(m -> m.put("recipients", Map.of("to", List.of("a@example.com"), "bcc2", List.of())))), 22);
        assertRefused(send(with(m -> m.put("attachments", List.of(Map.of("name", "a", "type", "text/plain",
                "content", "", "size", 1))))), 22);
    }

    @Test
    void missingRequiredFieldsAreRefusedWithCode14() {
        Api.Response noRecipients = send(with(m -> m.remove("recipients")));
        assertRefused(noRecipients, 14);
        assertEquals("recipients", noRecipients.json().get("missingFields").get(0).asText());
        assertRefused(send(with(m -> m.remove("subject"))), 14);
        assertRefused(send(with(m -> m.remove("body"))), 14);
        assertRefused(send(with(m -> m.put("attachments", List.of(Map.of("name", "a.txt", "type", "text/plain"))))), 14);
    }

    @Test
    void aMailNeedsOneToFiftyRecipients() {
        assertRefused(send(with(m -> m.put("recipients", Map.of("to", List.of())))), 15);
        List<String> fifty = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fifty.add("r" + i + "@example.com");
        }
        List<String> twentySix = fifty.subList(0, 26);
        assertRefused(send(with(m -> m.put("recipients", Map.of("to", twentySix, "cc", twentySix)))), 15);
        Map<String, Object> fiftyRecipients = plainMail("Fifty " + tag);
        fiftyRecipients.put("recipients", Map.of("to", fifty));
        Api.Response atTheLimit = send(fiftyRecipients);
        assertEquals(200, atTheLimit.status(), atTheLimit.body());
        track(atTheLimit);
    }

    @Test
    void badAddressesAreRefusedWithCode15() {
        for (String address : List.of("not-an-address", "a@", "@example.com", "a@b@c", "a@example.com, b@example.com",
                "group: a@example.com;", "", "x".repeat(330) + "@example.com")) {
            assertRefused(send(with(m -> m.put("recipients", Map.of("to", List.of(address))))), 15);
        }
        assertRefused(send(with(m -> m.put("from", "nobody"))), 15);
        assertRefused(send(with(m -> m.put("reply_to", List.of("nobody")))), 15);
        assertRefused(send(with(m -> m.put("reply_to", "a@example.com"))), 15);
        assertRefused(send(with(m -> m.put("recipients", Map.of("to", List.of(42))))), 15);
        assertRefused(send(with(m -> m.put("recipients", List.of("a@example.com")))), 15);
    }

    @Test
    void lineBreaksInAnyHeaderValueAreRefusedWithCode15() {
        assertRefused(send(with(m -> m.put("subject", "Hi\r\nBcc: victim@example.com"))), 15);
        assertRefused(send(with(m -> m.put("subject", "Hi\nX-Evil: 1"))), 15);
        assertRefused(send(with(m -> m.put("subject", "Hi\u0000"))), 15);
        assertRefused(send(with(m -> m.put("recipients", Map.of("to", List.of("a@example.com\r\nBcc: v@example.com"))))), 15);
        assertRefused(send(with(m -> m.put("from", "\"Evil\r\nBcc: v@example.com\" <a@example.com>"))), 15);
        assertRefused(send(with(m -> m.put("reply_to", List.of("a@example.com\nBcc: v@example.com")))), 15);
        assertRefused(send(with(m -> m.put("attachments", List.of(Map.of("name", "a.txt\r\nX-Evil: 1", "type", "text/plain",
                "content", "SGk=")))))
                , 15);
        assertRefused(send(with(m -> m.put("attachments", List.of(Map.of("name", "a.txt", "type", "text/plain\r\nX-Evil: 1",
                "content", "SGk=")))))
                , 15);
    }

    @Test
    void badAttachmentsAreRefusedWithCode15() {
        assertRefused(send(with(m -> m.put("attachments", List.of(Map.of("name", "a.txt", "type", "text/plain",
                "content", "not base64!")))))
                , 15);
        assertRefused(send(with(m -> m.put("attachments", List.of(Map.of("name", "a.txt", "type", "not a type",
                "content", "SGk=")))))
                , 15);
        assertRefused(send(with(m -> m.put("attachments", List.of(Map.of("name", "", "type", "text/plain",
                "content", "SGk=")))))
                , 15);
        assertRefused(send(with(m -> m.put("attachments", "SGk="))), 15);
        assertRefused(send(with(m -> m.put("attachments", List.of("SGk=")))), 15);
    }

    @Test
    void wronglyTypedFieldsAreRefusedWithCode15() {
        assertRefused(send(with(m -> m.put("subject", 42))), 15);
        assertRefused(send(with(m -> m.put("body", List.of("x")))), 15);
        assertRefused(send(with(m -> m.put("language", "english"))), 15);
        assertRefused(send(with(m -> m.put("time_zone", "Mars/Olympus"))), 15);
        assertRefused(send(with(m -> m.put("content", "text"))), 15);
    }

    @Test
    void aMessageOverTheMessageLimitIsRefused() {
        // 3.3 MB: under the HTTP limit (5 MiB of base64 JSON), over the 3 MiB message limit.
        String content = Base64.getEncoder().encodeToString(new byte[3_300_000]);
        Api.Response response = send(with(m -> m.put("attachments", List.of(Map.of("name", "big.bin",
                "type", "application/octet-stream", "content", content)))));
        assertRefused(response, 22);
        assertTrue(response.json().get("message").asText().contains("limit"));
    }

    @Test
    void aBodyLargerThanTheHttpLimitIsAClientError() {
        String huge = "{\"subject\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}";
        Api.Response response = api.postJson("/mail/v1/", token, huge);
        assertEquals(413, response.status());
        assertTrue(response.json().get("message").asText().contains("larger than"), "a JSON error, before the body is read");
    }

    @Test
    void anUnknownTemplateIsAnswered404WithCode16() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("recipients", Map.of("to", List.of("a@example.com")));
        request.put("template_name", "no-such-template-" + tag);
        Api.Response response = send(request);
        assertEquals(404, response.status(), response.body());
        assertEquals(16, response.json().get("code").asInt());
        assertEquals(0, count("like(subject," + tag + ")&eq(template_name,no-such-template-" + tag + ")"));
    }

    // ---- listing with RQL ---------------------------------------------------------------------

    @Test
    void rqlFiltersSortsSelectsAndPages() {
        String group = tag + "rql";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            Map<String, Object> request = plainMail(group + " number " + n);
            request.put("recipients", Map.of("to", List.of("to" + n + "@example.com", "all@example.com"),
                    "cc", List.of("cc-" + group + "@example.com")));
            request.put("body", n == 1 ? "special-body" : "plain");
            ids.add(track(send(request)).get("id").asText());
        }
        String mine = "like(subject," + group + ")";

        assertEquals(3, count(mine));
        // The SDK's double encoding: %2540 is an encoded "%40", which is "@".
        assertEquals(1, count(mine + "&eq(recipients.to,to1%2540example.com)"));
        assertEquals(3, count(mine + "&eq(recipients.to,all%2540example.com)"));
        assertEquals(3, count(mine + "&eq(recipients.cc,cc-" + group + "%2540example.com)"));
        assertEquals(2, count(mine + "&ne(recipients.to,to1%2540example.com)"));
        assertEquals(2, count(mine + "&in(recipients.to,(to0%2540example.com,to2%2540example.com))"));
        assertEquals(1, count(mine + "&out(recipients.to,(to0%2540example.com,to2%2540example.com))"));
        assertEquals(1, count(mine + "&eq(body,special-body)"));
        assertEquals(2, count(mine + "&or(eq(body,special-body),eq(recipients.to,to2%2540example.com))"));
        assertEquals(1, count("and(" + mine + ",like(subject,NUMBER*1))"));
        assertEquals(3, count(mine + "&eq(views,0)&ge(creation_timestamp,1)"));
        assertEquals(0, count(mine + "&gt(views,0)"));
        assertEquals(3, count(mine + "&in(id,(" + String.join(",", ids) + "))"));
        assertEquals(3, count(mine + "&contains(body)"));
        assertEquals(0, count(mine + "&contains(template_name,x)"));
        assertEquals(3, count(mine + "&excludes(template_name)"));
        assertEquals(1, count("eq(id," + ids.get(2) + ")"));
        assertEquals(1, count("id=" + ids.get(0)));

        JsonNode descending = list("?" + mine + "&sort(-subject)&select(id,subject,recipients.to)").json();
        assertEquals(group + " number 2", descending.get("data").get(0).get("subject").asText());
        JsonNode first = descending.get("data").get(0);
        assertEquals(List.of("id", "subject", "recipients"), fieldNames(first));
        assertEquals(List.of("to"), fieldNames(first.get("recipients")));
        JsonNode ascending = list("?" + mine + "&sort(+subject)").json();
        assertEquals(group + " number 0", ascending.get("data").get(0).get("subject").asText());
        assertEquals(group + " number 0", list("?" + mine + "&sort(%2Bsubject)").json().get("data").get(0).get("subject").asText());
        assertEquals(group + " number 2", list("?" + mine + "&sort(-recipients.to)").json().get("data").get(0).get("subject").asText());

        JsonNode page = list("?" + mine + "&sort(subject)&limit(1,1)").json();
        assertEquals(3, page.get("page").get("total").asInt());
        assertEquals(1, page.get("page").get("offset").asInt());
        assertEquals(1, page.get("page").get("limit").asInt());
        assertEquals(group + " number 1", page.get("data").get(0).get("subject").asText());
        JsonNode uncounted = list("?" + mine + "&skipCount()").json();
        assertFalse(uncounted.get("page").has("total"));
    }

    @Test
    void theDefaultLimitIsTwentyAndTheMaximumFifty() {
        assertEquals(20, list("").json().get("page").get("limit").asInt());
        assertEquals(50, list("?limit(500)").json().get("page").get("limit").asInt());
        assertEquals(50, list("?limit(50)").json().get("page").get("limit").asInt());
        assertEquals(0, list("?limit(0)").json().get("data").size());
    }

    @Test
    void invalidRqlIsRefusedWithCode19() {
        for (String query : List.of("eq(", "eq(subject)", "eq(nope,1)", "frobnicate(subject,1)", "limit(-1)", "limit(x)",
                "limit(1,2,3)", "sort(-nope)", "select(nope)", "eq(views,abc)", "and(limit(1))", "eq(subject,a=b)",
                "eq(subject,%25ZZ)", "like(views,1)", "))", "eq(subject,a))", "and()", "=x", "eq(subject,a)&&)",
                "eq(subject,%25C3%2528)", "and(" + "and(".repeat(40) + "eq(id,1)" + ")".repeat(41),
                "in(subject)", "in(subject,())", "skipCount(1)", "sort()", "select()")) {
            Api.Response response = list("?" + query);
            assertEquals(400, response.status(), query + " -> " + response.body());
            assertEquals(19, response.json().get("code").asInt(), query);
            assertEquals("INVALID_RQL_EXCEPTION", response.json().get("name").asText());
        }
    }

    @Test
    void hostileRqlValuesAreOnlyEverValues() {
        for (String value : List.of("x'%20OR%20'1'%253D'1", "1;DROP%20TABLE%20mail", "%2527%2520OR%25201%253D1--",
                "%255C", "%2525", "_", "*", "%2527%2529%2520OR%2520%25281%253D1")) {
            Api.Response response = list("?like(subject," + tag + ")&eq(subject," + value + ")");
            assertEquals(200, response.status(), value + " -> " + response.body());
            assertEquals(0, response.json().get("page").get("total").asInt(), value);
        }
        assertEquals(0, count("like(subject," + tag + "%2525)"), "% in a like pattern is a literal");
        assertEquals(400, list("?eq(subject,%25)").status(), "a lone % after decoding twice is invalid, not an error");
        assertEquals(200, list("").status(), "the mail table is still there");
    }

    @Test
    void queuedListsOnlyMailsThatAreNotSent() {
        String id = track(send(plainMail("Queued " + tag))).get("id").asText();
        awaitStatus(id, "sent");
        JsonNode queued = list("/queued", "?eq(id," + id + ")").json();
        assertEquals(0, queued.get("page").get("total").asInt());
    }

    // ---- deleting -----------------------------------------------------------------------------

    @Test
    void deletingAMailRemovesItsRecord() {
        String id = send(plainMail("Delete " + tag)).json().get("id").asText();
        awaitStatus(id, "sent");
        Api.Response deleted = api.delete("/mail/v1/" + id, token);
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(1, deleted.json().get("records_affected").asInt());
        assertEquals(0, count("eq(id," + id + ")"));
        Api.Response again = api.delete("/mail/v1/" + id, token);
        assertEquals(404, again.status());
        assertEquals(16, again.json().get("code").asInt());
        Api.Response malformed = api.delete("/mail/v1/'%20OR%201=1", token);
        assertEquals(400, malformed.status(), "Extra Horizon's IDFormatError");
        assertEquals(12, malformed.json().get("code").asInt());
    }

    // ---- auth ---------------------------------------------------------------------------------

    @Test
    void everyMailRouteChecksTokenAndScope() {
        String reader = api.tokenWithScopes("mail:read");
        String sender = api.tokenWithScopes("mail:send");
        List<Route> routes = List.of(
                new Route("POST", "/mail/v1/", "mail:send"),
                new Route("GET", "/mail/v1/", "mail:read"),
                new Route("GET", "/mail/v1/queued", "mail:read"),
                new Route("DELETE", "/mail/v1/000000000000000000000000", "mail:delete"));
        for (Route route : routes) {
            assertAuthError(call(route, null), 401, 104, route);
            assertAuthError(call(route, "not-a-token"), 401, 117, route);
            Api.Response malformed = api.send(api.request(route.path(), null).header("Authorization", "Basic abc")
                    .method(route.method(), HttpRequest.BodyPublishers.noBody()));
            assertAuthError(malformed, 401, 104, route);
            String wrongScope = route.scope().equals("mail:read") ? sender : reader;
            assertAuthError(call(route, wrongScope), 401, 10, route);
        }
        assertEquals(200, api.get("/mail/v1/health", null).status(), "health is public");
        assertEquals("", api.get("/mail/v1/health", null).body());
    }

    private Api.Response call(Route route, String token) {
        HttpRequest.Builder builder = api.request(route.path(), token).header("Content-Type", "application/json");
        return api.send(builder.method(route.method(), route.method().equals("POST")
                ? HttpRequest.BodyPublishers.ofString(Api.write(plainMail("Auth " + tag)))
                : HttpRequest.BodyPublishers.noBody()));
    }

    private static void assertAuthError(Api.Response response, int status, int code, Route route) {
        assertEquals(status, response.status(), route + " -> " + response.body());
        assertEquals(code, response.json().get("code").asInt(), route + " -> " + response.body());
    }

    private record Route(String method, String path, String scope) {
    }

    // ---- helpers ------------------------------------------------------------------------------

    private Map<String, Object> plainMail(String subject) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("recipients", Map.of("to", List.of("john@example.com")));
        request.put("subject", subject);
        request.put("body", "Body of " + subject);
        return request;
    }

    /** A valid mail with one change: the change alone must make it invalid. */
    private Map<String, Object> with(Consumer<Map<String, Object>> change) {
        Map<String, Object> request = plainMail("Invalid " + tag);
        change.accept(request);
        return request;
    }

    private Api.Response send(Map<String, Object> request) {
        return api.postJson("/mail/v1/", token, request);
    }

    private JsonNode track(Api.Response response) {
        assertEquals(200, response.status(), response.body());
        created.add(response.json().get("id").asText());
        return response.json();
    }

    private void assertRefused(Api.Response response, int code) {
        assertEquals(400, response.status(), response.body());
        JsonNode error = response.json();
        assertEquals(code, error.get("code").asInt(), response.body());
        assertNotNull(error.get("name").asText());
        assertFalse(error.get("message").asText().isBlank());
        assertEquals(0, count("eq(subject,Invalid%2520" + tag + ")"), "nothing is stored for a refused mail");
    }

    private Api.Response list(String query) {
        return list("", query);
    }

    private Api.Response list(String path, String query) {
        return api.get("/mail/v1" + path + (path.isEmpty() ? "/" : "") + query, token);
    }

    private int count(String rql) {
        Api.Response response = list("?" + rql);
        assertEquals(200, response.status(), rql + " -> " + response.body());
        return response.json().get("page").get("total").asInt();
    }

    private JsonNode awaitStatus(String id, String status) {
        JsonNode[] found = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(20), "mail " + id + " to be " + status, () -> {
            JsonNode data = list("?eq(id," + id + ")").json().get("data");
            found[0] = data.size() == 1 ? data.get(0) : null;
            return found[0] != null && status.equals(found[0].get("status").asText());
        });
        return found[0];
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
