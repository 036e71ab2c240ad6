package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Inbox;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.QueueProducer;
import io.mailgate.support.Waiter;

/** The fidesops email side end to end: connector, dataset, policy, request, code, approval, erasure email, notices. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivacyFlowIT {

    private Inbox inbox;
    private MailgateInstance mailgate;
    private Api api;
    private String token;

    @BeforeAll
    void start() {
        inbox = Inbox.start();
        mailgate = MailgateInstance.start(Map.of(
                "mailgate.privacy.identity-verification-required", "true",
                "mailgate.privacy.manual-approval-required", "true"));
        api = mailgate.api();
        token = api.rootToken();
        // The email config of the fidesops guide, pointing at the local SMTP server.
        assertEquals(200, api.postJson("/api/v1/email/config", token, Map.of("key", "smtp_config", "name", "smtp",
                "service_type", "smtp", "details", Map.of("host", "127.0.0.1", "port", inbox.port(),
                        "security", "none", "from_address", "privacy@example.org"))).status());
        assertEquals(200, put("/api/v1/email/config/smtp_config/secret", Map.of("username", "mailer", "password",
                "mailer-password")).status());
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
    void theFidesopsExampleRunsEndToEnd() throws Exception {
        // Connector, and its secrets with a test email whose real outcome is answered.
        JsonNode connectors = patch("/api/v1/connection", List.of(Map.of("name", "Email Connection Config",
                "key", "third_party_email_connector", "connection_type", "email", "access", "write"))).json();
        assertEquals(1, connectors.get("succeeded").size(), connectors.toString());
        Api.Response secret = put("/api/v1/connection/third_party_email_connector/secret?verify=true",
                Map.of("to_email", "third_party@example.com", "test_email", "my_email@example.com"));
        assertEquals(200, secret.status(), secret.body());
        assertEquals("succeeded", secret.json().get("test_status").asText(), secret.body());
        String test = text(awaitMail("my_email@example.com", "Data erasure request"));
        assertTrue(test.contains("test_collection") && test.contains("example_id") && test.contains("test_field"), test);

        // Dataset: three collections, one reached by identity, two by references.
        JsonNode datasets = patch("/api/v1/connection/third_party_email_connector/dataset", List.of(dataset())).json();
        assertEquals(1, datasets.get("succeeded").size(), datasets.toString());

        // Erasure policy targeting user.childrens.
        assertEquals(1, patch("/api/v1/policy", List.of(Map.of("name", "Erasure policy", "key", "erasure_policy")))
                .json().get("succeeded").size());
        assertEquals(1, patch("/api/v1/policy/erasure_policy/rule", List.of(Map.of("name", "Erase children", "key",
                "erasure_rule", "action_type", "erasure", "masking_strategy", Map.of("strategy", "null_rewrite",
                        "configuration", Map.of()))))
                .json().get("succeeded").size());
        assertEquals(1, patch("/api/v1/policy/erasure_policy/rule/erasure_rule/target", List.of(Map.of("name", "Children",
                "key", "childrens_target", "data_category", "user.childrens")))
                .json().get("succeeded").size());

        JsonNode policy = api.get("/api/v1/policy/erasure_policy", token).json();
        assertEquals("user.childrens", policy.get("rules").get(0).get("targets").get(0).get("data_category").asText());
        assertEquals(404, api.get("/api/v1/policy/no_such_policy", token).status());
        assertEquals(422, patch("/api/v1/policy/erasure_policy/rule/erasure_rule/target", List.of(Map.of("name", "Bad",
                "key", "bad_target", "data_category", "user.imaginary"))).status());
        assertEquals(1, patch("/api/v1/policy/erasure_policy/rule", List.of(Map.of("name", "No masking", "key", "bad_rule",
                "action_type", "erasure"))).json().get("failed").size());

        // The subject asks; a code is mailed (public endpoint, no token).
        Api.Response created = api.postJson("/api/v1/privacy-request", null, List.of(Map.of(
                "requested_at", "2026-11-21T10:00:00Z", "policy_key", "erasure_policy",
                "identity", Map.of("email", "subject@example.com"), "external_id", "ext-1")));
        assertEquals(200, created.status(), created.body());
        JsonNode request = created.json().get("succeeded").get(0);
        assertEquals("identity_unverified", request.get("status").asText());
        assertEquals("erasure_policy", request.get("policy").get("key").asText());
        String id = request.get("id").asText();
        String code = code(awaitMail("subject@example.com", "Your one-time code"));

        assertEquals(403, api.postJson("/api/v1/privacy-request/" + id + "/verify", null, Map.of("code", wrong(code))).status());
        Api.Response verified = api.postJson("/api/v1/privacy-request/" + id + "/verify", null, Map.of("code", code));
        assertEquals(200, verified.status(), verified.body());
        assertEquals("pending", verified.json().get("status").asText());
        assertEquals(400, api.postJson("/api/v1/privacy-request/" + id + "/verify", null, Map.of("code", code)).status(),
                "a used code is gone and the request is no longer unverified");
        awaitMail("subject@example.com", "Your request has been received");

        // The admin approves: review notice, one erasure email for the dataset, completion notice.
        Api.Response approved = patch("/api/v1/privacy-request/administrate/approve", Map.of("request_ids", List.of(id)));
        assertEquals(1, approved.json().get("succeeded").size(), approved.body());
        awaitMail("subject@example.com", "Your request has been approved");
        String erasure = text(awaitMail("third_party@example.com", "Data erasure request"));
        assertTrue(erasure.contains("children"), erasure);
        assertTrue(erasure.contains("first_name") && erasure.contains("birthday"), "the user.childrens fields: " + erasure);
        assertTrue(erasure.contains("parent_id"), "children are located through their reference: " + erasure);
        assertFalse(erasure.contains("card_number"), "payment holds nothing the policy targets: " + erasure);
        assertFalse(erasure.contains("child_health_concerns"), erasure);
        awaitMail("subject@example.com", "Your data has been deleted");
        assertEquals(1, received("third_party@example.com", "Data erasure request"), "one email per dataset");

        JsonNode listed = api.get("/api/v1/privacy-request?request_id=" + id, token).json().get("items").get(0);
        assertEquals("complete", listed.get("status").asText());
        List<String> kinds = Api.JSON.convertValue(listed.get("emails"), List.class).stream()
                .map(m -> String.valueOf(((Map<?, ?>) m).get("kind"))).toList();
        assertTrue(kinds.containsAll(List.of("subject_identity_verification", "privacy_request_receipt",
                "privacy_request_review_approve", "email_erasure_fulfillment", "privacy_request_complete_deletion")), kinds.toString());

        // Every one of these emails is a normal, queryable Mail.
        JsonNode mails = api.get("/mail/v1/?eq(creator_id,privacy)&eq(recipients.to,third_party%2540example.com)", token).json();
        assertEquals(1, mails.get("page").get("total").asInt());
        assertEquals("email_erasure_fulfillment", mails.get("data").get(0).get("template_name").asText());
    }

    @Test
    void datasetsNeedPrimaryKeysReachableCollectionsAndKnownCategories() {
        patch("/api/v1/connection", List.of(Map.of("name", "Checked", "key", "checked", "connection_type", "email", "access", "write")));
        Map<String, Object> noKey = Map.of("fides_key", "no_key", "name", "x", "collections", List.of(Map.of("name", "orphans",
                "fields", List.of(Map.of("name", "email", "data_categories", List.of("user.contact.email"),
                        "fidesops_meta", Map.of("identity", "email"))))));
        Map<String, Object> unreachable = Map.of("fides_key", "unreachable", "name", "x", "collections", List.of(
                Map.of("name", "lonely", "fields", List.of(Map.of("name", "id", "fidesops_meta", Map.of("primary_key", true))))));
        Map<String, Object> unknownCategory = Map.of("fides_key", "unknown", "name", "x", "collections", List.of(Map.of("name", "c",
                "fields", List.of(Map.of("name", "id", "data_categories", List.of("user.nonsense"),
                        "fidesops_meta", Map.of("primary_key", true, "identity", "email"))))));
        JsonNode answer = patch("/api/v1/connection/checked/dataset", List.of(noKey, unreachable, dataset())).json();
        assertEquals(1, answer.get("succeeded").size());
        assertEquals(2, answer.get("failed").size());
        assertTrue(answer.get("failed").get(0).get("message").asText().contains("orphans"));
        assertTrue(answer.get("failed").get(1).get("message").asText().contains("lonely"));
        Api.Response schema = patch("/api/v1/connection/checked/dataset", List.of(dataset(), unknownCategory));
        assertEquals(422, schema.status(), "fidesops refuses the whole request when one dataset breaks its schema");
        assertEquals("The data category user.nonsense is not supported.", schema.json().get("detail").get(0).get("msg").asText());
        assertEquals(200, api.get("/api/v1/connection/checked/dataset/email_dataset", token).status());
        assertEquals(204, api.delete("/api/v1/connection/checked/dataset/email_dataset", token).status());
        assertEquals(404, api.get("/api/v1/connection/checked/dataset/email_dataset", token).status());
        assertEquals(204, api.delete("/api/v1/connection/checked", token).status());
        assertEquals(404, api.get("/api/v1/connection/checked", token).status());
    }

    @Test
    void connectorsRefuseSecretsInlineAndBadInput() {
        Api.Response inline = patch("/api/v1/connection", List.of(Map.of("name", "Leaky", "connection_type", "email",
                "access", "write", "secrets", Map.of("to_email", "a@example.com"))));
        assertEquals(422, inline.status());
        Map<String, Object> one = Map.of("name", "n", "connection_type", "email", "access", "write");
        assertEquals(422, patch("/api/v1/connection", java.util.Collections.nCopies(51, one)).status());
        JsonNode postgres = patch("/api/v1/connection", List.of(Map.of("name", "Postgres", "connection_type", "postgres",
                "access", "write"))).json();
        assertTrue(postgres.get("failed").get(0).get("message").asText().contains("This connection configuration could not be added"));
        assertEquals(422, patch("/api/v1/connection", List.of(Map.of("name", "Bad key", "key", "bad key!", "connection_type", "email",
                "access", "write"))).status());
        assertEquals(404, put("/api/v1/connection/nobody/secret", Map.of("to_email", "a@example.com")).status());
        patch("/api/v1/connection", List.of(Map.of("name", "Secretive", "key", "secretive", "connection_type", "email", "access", "write")));
        assertEquals(422, put("/api/v1/connection/secretive/secret", Map.of("to_email", "not an address")).status());
        assertEquals(422, put("/api/v1/connection/secretive/secret", Map.of()).status());
        Api.Response noTest = put("/api/v1/connection/secretive/secret?verify=false", Map.of("to_email", "vendor@example.com"));
        assertTrue(noTest.json().get("test_status").isNull());
        assertFalse(api.get("/api/v1/connection/secretive", token).body().contains("vendor@example.com"), "secrets are not shown");
        assertEquals(401, api.get("/api/v1/connection", null).status());
        assertEquals(403, api.get("/api/v1/connection", api.tokenWithScopes("mail:read")).status());
    }

    @Test
    void codesAllowFiveAttemptsThenAreGone() throws Exception {
        patch("/api/v1/policy", List.of(Map.of("name", "Attempts", "key", "attempts_policy")));
        patch("/api/v1/policy/attempts_policy/rule", List.of(Map.of("name", "Access", "key", "access_rule", "action_type", "access")));
        String id = api.postJson("/api/v1/privacy-request", null, List.of(Map.of("policy_key", "attempts_policy",
                "identity", Map.of("email", "attempts@example.com")))).json().get("succeeded").get(0).get("id").asText();
        String code = code(awaitMail("attempts@example.com", "Your one-time code"));
        for (int i = 0; i < 5; i++) {
            assertEquals(403, api.postJson("/api/v1/privacy-request/" + id + "/verify", null, Map.of("code", wrong(code))).status());
        }
        assertEquals(400, api.postJson("/api/v1/privacy-request/" + id + "/verify", null, Map.of("code", code)).status(),
                "after five wrong attempts even the right code is refused");
        assertEquals(404, api.postJson("/api/v1/privacy-request/000000000000000000000000/verify", null,
                Map.of("code", "123456")).status());
    }

    @Test
    void anExpiredCodeIsRefused() throws Exception {
        try (MailgateInstance quick = MailgateInstance.start(Map.of("mailgate.privacy.identity-verification-required", "true",
                "mailgate.privacy.verification-code-ttl-seconds", "1",
                "mailgate.smtp.host", "127.0.0.1", "mailgate.smtp.port", Integer.toString(inbox.port())))) {
            Api quickApi = quick.api();
            String root = quickApi.rootToken();
            quickApi.send(quickApi.request("/api/v1/policy", root).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(List.of(Map.of("name", "Q", "key", "q"))))));
            long created = System.currentTimeMillis();
            String id = quickApi.postJson("/api/v1/privacy-request", null, List.of(Map.of("policy_key", "q",
                    "identity", Map.of("email", "expiry@example.com")))).json().get("succeeded").get(0).get("id").asText();
            String code = code(awaitMail("expiry@example.com", "Your one-time code"));
            Waiter.until(Duration.ofSeconds(10), "the code's second to pass", () -> System.currentTimeMillis() > created + 1500);
            assertEquals(400, quickApi.postJson("/api/v1/privacy-request/" + id + "/verify", null, Map.of("code", code)).status());
        }
    }

    @Test
    void reviewErrorsAndADenialWithItsReason() throws Exception {
        patch("/api/v1/policy", List.of(Map.of("name", "Deny", "key", "deny_policy")));
        String id = api.postJson("/api/v1/privacy-request", null, List.of(Map.of("policy_key", "deny_policy",
                "identity", Map.of("email", "denied@example.com")))).json().get("succeeded").get(0).get("id").asText();
        JsonNode unverified = patch("/api/v1/privacy-request/administrate/approve", Map.of("request_ids", List.of(id, "nope"))).json();
        assertEquals(2, unverified.get("failed").size(), "an unverified and an unknown request cannot be approved");
        String code = code(awaitMail("denied@example.com", "Your one-time code"));
        api.postJson("/api/v1/privacy-request/" + id + "/verify", null, Map.of("code", code));
        JsonNode denied = patch("/api/v1/privacy-request/administrate/deny", Map.of("request_ids", List.of(id),
                "reason", "We hold no data about you")).json();
        assertEquals(1, denied.get("succeeded").size());
        String mail = text(awaitMail("denied@example.com", "Your request has been denied"));
        assertTrue(mail.contains("We hold no data about you"), mail);
        assertEquals(1, api.postJson("/api/v1/privacy-request", null, List.of(Map.of("policy_key", "nope",
                "identity", Map.of("email", "x@example.com")))).json().get("failed").size());
        assertEquals(422, api.postJson("/api/v1/privacy-request", null, "{}").status());
        assertEquals(401, patch("/api/v1/privacy-request/administrate/approve", null, Map.of("request_ids", List.of())).status());
        assertEquals(403, api.get("/api/v1/privacy-request", api.tokenWithScopes("mail:read")).status());
        JsonNode config = api.get("/api/v1/id-verification/config", null).json();
        assertTrue(config.get("identity_verification_required").asBoolean());
        assertTrue(config.get("valid_email_config_exists").asBoolean());
    }

    @Test
    void anyNoticeCanBeSentDirectlyOrThroughTheQueue() throws Exception {
        Api.Response direct = api.postJson("/api/v1/email/send", token, Map.of("action_type", "privacy_request_complete_access",
                "to_email", "access@example.com", "language", "DE", "body_params", Map.of(
                        "download_links", List.of("https://example.org/package.zip"), "days", 7)));
        assertEquals(200, direct.status(), direct.body());
        String access = text(awaitMail("access@example.com", "Ihre Daten stehen zum Download bereit"));
        assertTrue(access.contains("https://example.org/package.zip") && access.contains("7 Tagen"), access);
        assertEquals(422, api.postJson("/api/v1/email/send", token, Map.of("action_type", "spam", "to_email", "a@example.com")).status());

        // fidesops' own body params: SubjectIdentityVerificationBodyParams and RequestReviewDenyBodyParams.
        assertEquals(200, api.postJson("/api/v1/email/send", token, Map.of("action_type", "subject_identity_verification",
                "to_email", "fidesops-code@example.com", "body_params", Map.of("verification_code", "424242",
                        "verification_code_ttl_seconds", 600))).status());
        String code = text(awaitMail("fidesops-code@example.com", "Your one-time code"));
        assertTrue(code.contains("424242") && code.contains("10 minutes"), code);
        assertEquals(200, api.postJson("/api/v1/email/send", token, Map.of("action_type", "privacy_request_review_deny",
                "to_email", "fidesops-deny@example.com", "body_params", Map.of("rejection_reason", "Out of scope"))).status());
        assertTrue(text(awaitMail("fidesops-deny@example.com", "Your request has been denied")).contains("Out of scope"));
        assertEquals(422, api.postJson("/api/v1/email/send", token, Map.of("action_type", "subject_identity_verification",
                "to_email", "a@example.com", "body_params", Map.of("verification_code", "1", "verification_code_ttl_seconds",
                        "soon"))).status());
        assertEquals(401, api.postJson("/api/v1/email/send", null, Map.of()).status());

        try (QueueProducer producer = new QueueProducer(mailgate.brokerPort())) {
            producer.sendTo("mailgate.privacy.email", Api.write(Map.of("action_type", "privacy_request_complete_deletion",
                    "to_email", "queued@example.com", "body_params", Map.of())), Map.of());
            awaitMail("queued@example.com", "Your data has been deleted");
            producer.sendTo("mailgate.privacy.email", "{\"action_type\":\"nonsense\"}", Map.of());
        }
        Waiter.until(Duration.ofSeconds(20), "the invalid notice to be a dead letter", () ->
                api.get("/api/v1/dead-letters?source=receive-privacy-notice&reason=action_type", token).json().get("total").asInt() >= 1);
        // Replayed, it goes through the notice flow again (not the mail flow) and fails with the same reason.
        String letter = api.get("/api/v1/dead-letters?source=receive-privacy-notice&reason=action_type", token).json()
                .get("items").get(0).get("id").asText();
        Api.Response replay = api.postJson("/api/v1/dead-letters/" + letter + "/replay", token, Map.of());
        assertEquals(200, replay.status(), replay.body());
        assertEquals("failed", replay.json().get("status").asText());
        assertTrue(replay.json().get("reason").asText().contains("action_type"), replay.body());
    }

    // ---- helpers ------------------------------------------------------------------------------

    static Map<String, Object> dataset() {
        Map<String, Object> id = field("id", List.of("system.operations"), Map.of("primary_key", true));
        Map<String, Object> customer = Map.of("name", "daycare_customer", "fields", List.of(id,
                field("child_health_concerns", List.of("user.biometric_health"), null),
                field("user_email", List.of("user.contact.email"), Map.of("identity", "email"))));
        Map<String, Object> children = Map.of("name", "children", "fields", List.of(
                field("id", List.of("system.operations"), Map.of("primary_key", true)),
                field("parent_id", List.of("system.operations"), Map.of("references", List.of(Map.of("dataset", "email_dataset",
                        "field", "daycare_customer.id", "direction", "from")))),
                field("first_name", List.of("user.childrens"), null),
                field("birthday", List.of("user.childrens"), null)));
        Map<String, Object> payment = Map.of("name", "payment", "fields", List.of(
                field("id", List.of("system.operations"), Map.of("primary_key", true)),
                field("customer_id", List.of("system.operations"), Map.of("references", List.of(Map.of("dataset", "email_dataset",
                        "field", "daycare_customer.id", "direction", "from")))),
                field("card_number", List.of("user.financial.credit_card"), null)));
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("fides_key", "email_dataset");
        dataset.put("name", "Dataset not accessible automatically");
        dataset.put("description", "Third party data - will email to request erasure");
        dataset.put("collections", List.of(customer, children, payment));
        return dataset;
    }

    private static Map<String, Object> field(String name, List<String> categories, Map<String, Object> meta) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("name", name);
        field.put("data_categories", categories);
        if (meta != null) {
            field.put("fidesops_meta", meta);
        }
        return field;
    }

    private Api.Response patch(String path, Object body) {
        return patch(path, token, body);
    }

    private Api.Response patch(String path, String bearer, Object body) {
        return api.send(api.request(path, bearer).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(body))));
    }

    private Api.Response put(String path, Object body) {
        return api.send(api.request(path, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Api.write(body))));
    }

    private MimeMessage awaitMail(String to, String subject) {
        return inbox.await(to, subject);
    }

    private int received(String to, String subject) {
        return inbox.count(to, subject);
    }

    private static String text(MimeMessage message) {
        return Inbox.text(message);
    }

    private static String code(MimeMessage message) {
        return Inbox.code(message);
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }
}
