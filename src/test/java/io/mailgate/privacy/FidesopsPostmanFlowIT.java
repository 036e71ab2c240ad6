package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Fides;
import io.mailgate.support.Inbox;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.TestPostgres;
import io.mailgate.support.Waiter;

/**
 * fidesops' Postman collection, end to end, against Mailgate on PostgreSQL and a real SMTP server: a
 * client with the collection's scopes, an email config and its secret, an email connector and its
 * secret with a test email, its dataset, a local storage destination, an access policy and an erasure
 * policy (both targeting "user"), then a data subject's access request (verified, approved: package,
 * download link, completion notice) and erasure request (the third party's erasure email, the masking
 * of everything Mailgate holds of the subject, completion notice). Every table is then searched for
 * the subject.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidesopsPostmanFlowIT {

    /** The "Create Client" step's scopes, as the collection lists them. */
    private static final List<String> POSTMAN_SCOPES = List.of("client:create", "client:update", "client:read", "client:delete",
            "config:read", "connection_type:read", "connection:read", "connection:create_or_update", "connection:delete",
            "connection:instantiate", "consent:read", "dataset:create_or_update", "dataset:delete", "dataset:read",
            "encryption:exec", "email:create_or_update", "email:read", "email:delete", "policy:create_or_update", "policy:read",
            "policy:delete", "privacy-request:read", "privacy-request:delete", "rule:create_or_update", "rule:read", "rule:delete",
            "scope:read", "storage:create_or_update", "storage:delete", "storage:read", "privacy-request:resume",
            "webhook:create_or_update", "webhook:read", "webhook:delete", "saas_config:create_or_update", "saas_config:read",
            "saas_config:delete", "privacy-request:review", "user:create", "user:delete");
    private static final Pattern LINK = Pattern.compile("(http://127\\.0\\.0\\.1:[0-9]+/api/v1/access-package/[^\\s\"<]+)");

    private final String subject = "customer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    private final String order = "order " + UUID.randomUUID().toString().substring(0, 8);
    private Inbox inbox;
    private MailgateInstance mailgate;
    private Fides fides;

    @BeforeAll
    void start() {
        inbox = Inbox.start();
        int port = MailgateInstance.freePort();
        mailgate = MailgateInstance.start(TestDatabase.POSTGRES, Map.of(
                "mailgate.privacy.identity-verification-required", "true",
                "mailgate.privacy.manual-approval-required", "true",
                "mailgate.privacy.sweep-interval-ms", "300",
                "mailgate.public-url", "http://127.0.0.1:" + port), port, MailgateInstance.tempDir());
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        if (inbox != null) {
            inbox.close();
        }
    }

    @Test
    void thePostmanCollectionEndToEnd() throws Exception {
        // Root client token, then "Create Client" with the collection's scopes and its token.
        Api api = mailgate.api();
        Api.Response client = api.postJson("/api/v1/oauth/client", api.rootToken(), POSTMAN_SCOPES);
        assertEquals(200, client.status(), client.body());
        fides = new Fides(api, api.token(client.json().get("client_id").asText(), client.json().get("client_secret").asText()));

        // Email config and its secret.
        assertEquals(200, fides.post("/api/v1/email/config", Map.of("key", "my_email_config", "name", "smtp", "service_type", "smtp",
                "details", Map.of("host", "127.0.0.1", "port", inbox.port(), "security", "none",
                        "from_address", "privacy@example.org"))).status());
        assertEquals(200, fides.put("/api/v1/email/config/my_email_config/secret", Map.of("username", Inbox.USER,
                "password", Inbox.PASSWORD)).status());

        // Email connector, its secret with a test email that really arrives, and its dataset.
        assertEquals(1, fides.patch("/api/v1/connection", List.of(Map.of("name", "Email ConnectionConfig",
                "key", "email_connection_config_key", "connection_type", "email", "access", "write"))).json().get("succeeded").size());
        Api.Response secret = fides.put("/api/v1/connection/email_connection_config_key/secret",
                Map.of("to_email", "vendor@example.com", "test_email", "vendor-test@example.com"));
        assertEquals("succeeded", secret.json().get("test_status").asText(), secret.body());
        inbox.await("vendor-test@example.com", "Data erasure request");
        assertEquals(1, fides.patch("/api/v1/connection/email_connection_config_key/dataset", List.of(PrivacyFlowIT.dataset()))
                .json().get("succeeded").size());

        // Local storage, the access policy and the separate erasure policy.
        assertEquals(1, fides.patch("/api/v1/storage/config", List.of(Map.of("key", "my_local_storage", "name",
                "My Local Storage Location", "type", "local", "details", Map.of("naming", "request_id")))).json().get("succeeded").size());
        policy("my_primary_policy", "Primary Policy", Map.of("storage_destination_key", "my_local_storage", "name",
                "My User Data Access", "action_type", "access", "key", "my_access_rule"), "my_user_info");
        policy("my_separate_policy", "Separate Policy", Map.of("name", "My User Data Erasure", "action_type", "erasure",
                "key", "my_erasure_rule", "masking_strategy", Map.of("strategy", "null_rewrite", "configuration", Map.of())),
                "my_mask_target");

        // What Mailgate holds of the subject before they ask: mails the applications sent them.
        String mailToSubject = mail(Map.of("to", List.of("Customer One <" + subject + ">")), "Your " + order + " ships tomorrow");
        mail(Map.of("to", List.of("support@example.org"), "cc", List.of(subject)), "Copy: " + order);
        // A provider reported a soft bounce of the first one: its event names the subject (as a report leaves it).
        recordEvent(mailToSubject, subject, "452 4.2.2 <" + subject + ">: mailbox full");

        // The access request: code, verification, approval, package, completion notice with its link.
        String access = request("my_primary_policy");
        inbox.await(subject, "Your request has been approved");
        String notice = Inbox.text(inbox.await(subject, "Your data is ready to be downloaded"));
        Matcher link = LINK.matcher(notice);
        assertTrue(link.find(), notice);
        assertTrue(notice.contains("5 days"), notice);
        awaitStatus(access, "complete");
        Api.Response download = api.get(link.group(1).substring(api.base().length()).replace("&amp;", "&"), null);
        assertEquals(200, download.status(), download.body());
        assertEquals("application/json", download.header("Content-Type").split(";")[0]);
        JsonNode data = download.json();
        List<String> subjects = new ArrayList<>();
        data.get("mailgate:mail").forEach(m -> subjects.add(m.get("subject").asText()));
        assertTrue(subjects.contains("Your " + order + " ships tomorrow"), subjects.toString());
        assertTrue(subjects.contains("Copy: " + order), subjects.toString());
        assertTrue(data.get("mailgate:privacy_request").toString().contains(subject), data.toString());
        String tampered = link.group(1).replace("&amp;", "&").replaceAll("signature=.", "signature=A");
        assertEquals(403, api.get(tampered.substring(api.base().length()), null).status(), "a changed signature is refused");
        Path packages = mailgate.dataDir().resolve("access-packages");
        assertEquals(1, Files.list(packages).count());

        // The erasure request: the vendor is asked, Mailgate masks its own records, the subject is told.
        String erasure = request("my_separate_policy");
        String vendorMail = Inbox.text(inbox.await("vendor@example.com", "Data erasure request"));
        assertTrue(vendorMail.contains(subject), "the locator finds the subject at the vendor: " + vendorMail);
        inbox.await(subject, "Your data has been deleted");
        awaitStatus(erasure, "complete");
        Waiter.until(Duration.ofSeconds(30), "the sweep to mask the last notices", () -> verboseResults(erasure)
                .path("erasure").path("mails_on_their_way").asInt(-1) == 0 && !found(subject));

        // No table holds the subject's address or their mails' content any more; the mail rows stay.
        assertFalse(found(subject), "the subject's address is nowhere in Mailgate's tables");
        assertFalse(found(order), "nor the content of their mails");
        assertEquals(0, Files.list(packages).count(), "their access package is deleted");
        assertEquals(410, download.status() == 200 ? api.get(link.group(1).substring(api.base().length()).replace("&amp;", "&"), null)
                .status() : 0, "its link answers that the package is gone");
        JsonNode kept = api.get("/mail/v1/?eq(id," + mailToSubject + ")", api.rootToken()).json();
        assertEquals(1, kept.get("page").get("total").asInt(), "the mail's record stays, masked");
        assertEquals("sent", kept.get("data").get(0).get("status").asText());
        JsonNode results = verboseResults(erasure).get("erasure");
        assertEquals("null_rewrite", results.get("strategy").asText());
        assertTrue(results.get("mails").asInt() >= 8, results.toString());
        assertTrue(results.get("privacy_requests").asInt() >= 2, results.toString());
    }

    private void policy(String key, String name, Map<String, Object> rule, String targetKey) {
        assertEquals(1, fides.patch("/api/v1/policy", List.of(Map.of("name", name, "key", key))).json().get("succeeded").size());
        Api.Response rules = fides.patch("/api/v1/policy/" + key + "/rule", List.of(rule));
        assertEquals(1, rules.json().get("succeeded").size(), rules.body());
        assertEquals(1, fides.patch("/api/v1/policy/" + key + "/rule/" + rule.get("key") + "/target", List.of(Map.of(
                "data_category", "user", "key", targetKey, "name", "Provided User Info"))).json().get("succeeded").size());
    }

    private String mail(Map<String, Object> recipients, String title) {
        Map<String, Object> mail = new LinkedHashMap<>();
        mail.put("recipients", recipients);
        mail.put("subject", title);
        mail.put("body", "Dear customer, your " + order + " is on its way.");
        Api.Response sent = mailgate.api().postJson("/mail/v1/", mailgate.api().rootToken(), mail);
        assertEquals(200, sent.status(), sent.body());
        return sent.json().get("id").asText();
    }

    /** Creates a privacy request (public), verifies it with the mailed code and approves it. */
    private String request(String policyKey) {
        int codes = inbox.count(subject, "Your one-time code");
        Api.Response created = fides.as(null).post("/api/v1/privacy-request", List.of(Map.of("requested_at", "2021-08-30T16:09:37.359Z",
                "identity", Map.of("email", subject), "policy_key", policyKey)));
        assertEquals(200, created.status(), created.body());
        String id = created.json().get("succeeded").get(0).get("id").asText();
        Waiter.until(Duration.ofSeconds(30), "a new code", () -> inbox.count(subject, "Your one-time code") > codes);
        String code = Inbox.code(inbox.to(subject).stream().filter(m -> {
            try {
                return "Your one-time code".equals(m.getSubject());
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList().get(codes));
        Api.Response verified = fides.as(null).post("/api/v1/privacy-request/" + id + "/verify", Map.of("code", code));
        assertEquals("pending", verified.json().get("status").asText(), verified.body());
        Api.Response approved = fides.patch("/api/v1/privacy-request/administrate/approve", Map.of("request_ids", List.of(id, "bad_id")));
        assertEquals(1, approved.json().get("succeeded").size(), approved.body());
        assertEquals("No privacy request found with id 'bad_id'", approved.json().get("failed").get(0).get("message").asText());
        return id;
    }

    private void awaitStatus(String id, String status) {
        Waiter.until(Duration.ofSeconds(30), "request " + id + " to be " + status, () -> {
            JsonNode item = fides.get("/api/v1/privacy-request?request_id=" + id).json().get("items").get(0);
            if (item.get("status").asText().equals("error")) {
                throw new AssertionError("the request failed: " + verboseResults(id));
            }
            return item.get("status").asText().equals(status);
        });
    }

    private JsonNode verboseResults(String id) {
        return fides.get("/api/v1/privacy-request?request_id=" + id + "&verbose=True").json().get("items").get(0).get("results");
    }

    private static void recordEvent(String mailId, String recipient, String detail) throws Exception {
        TestPostgres server = TestPostgres.server();
        try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password());
             PreparedStatement insert = connection.prepareStatement("INSERT INTO mail_event (id, mail_id, type, occurred_at, recipient, "
                     + "detail, bounce, machine, source, source_key, created_at) VALUES (?, ?, 'bounced', ?, ?, ?, 'soft', FALSE, 'dsn', ?, ?)")) {
            long now = System.currentTimeMillis();
            insert.setString(1, io.mailgate.platform.Ids.newId(now));
            insert.setString(2, mailId);
            insert.setLong(3, now);
            insert.setString(4, recipient);
            insert.setString(5, detail);
            insert.setString(6, "dsn:test:" + mailId);
            insert.setLong(7, now);
            insert.executeUpdate();
        }
    }

    /** Whether any text column of any table holds the text, in any case. */
    private static boolean found(String text) throws Exception {
        TestPostgres server = TestPostgres.server();
        try (Connection connection = DriverManager.getConnection(server.url(), server.user(), server.password())) {
            List<String[]> columns = new ArrayList<>();
            try (ResultSet rows = connection.getMetaData().getColumns(null, "public", "%", "%")) {
                while (rows.next()) {
                    String type = rows.getString("TYPE_NAME").toLowerCase();
                    if (type.contains("char") || type.contains("text") || type.equals("bytea") || type.contains("json")) {
                        columns.add(new String[] {rows.getString("TABLE_NAME"), rows.getString("COLUMN_NAME"), type});
                    }
                }
            }
            for (String[] column : columns) {
                String value = column[2].equals("bytea") ? "convert_from(\"" + column[1] + "\", 'UTF8')" : "CAST(\"" + column[1] + "\" AS TEXT)";
                try (PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM \"" + column[0] + "\" WHERE LOWER("
                        + value + ") LIKE ?")) {
                    query.setString(1, "%" + text.toLowerCase() + "%");
                    try (ResultSet count = query.executeQuery()) {
                        count.next();
                        if (count.getLong(1) > 0) {
                            System.out.println("Found '" + text + "' in " + column[0] + "." + column[1]);
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }
}
