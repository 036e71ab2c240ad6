package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Fides;
import io.mailgate.support.Inbox;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/**
 * fidesops 1.8.2's tests/ops/service/privacy_request/request_runner_service_test.py, its email parts
 * (TestPrivacyRequestsEmailConnector, TestPrivacyRequestsEmailNotifications, the upload-then-email
 * test), replayed over HTTP against Mailgate and a real SMTP server, plus retry: what failed is mailed
 * once it can be, and what was mailed is never mailed again. The first tests run before any email
 * config exists, as fidesops' "no email config" tests do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FidesopsRequestRunnerEmailIT {

    private Inbox inbox;
    private MailgateInstance mailgate;
    private Fides fides;

    @BeforeAll
    void start() {
        inbox = Inbox.start();
        mailgate = MailgateInstance.start(Map.of("mailgate.privacy.send-completion-notification", "true",
                "mailgate.privacy.send-receipt-notification", "false"));
        fides = new Fides(mailgate.api(), mailgate.api().rootToken());
        fides.patch("/api/v1/storage/config", List.of(Map.of("key", "local", "name", "Local", "type", "local", "details", Map.of())));
        policy("access_policy", List.of(accessRule("access_rule")), Map.of("access_rule", "user"));
        policy("erasure_policy", List.of(erasureRule("erasure_rule")), Map.of("erasure_rule", "user.childrens"));
        policy("job_title_policy", List.of(erasureRule("job_title_rule")), Map.of("job_title_rule", "user.job_title"));
        policy("access_and_erasure_policy", List.of(accessRule("both_access"), erasureRule("both_erasure")),
                Map.of("both_access", "user", "both_erasure", "user.childrens"));
        connector("email_connection_config", "write", "third_party@example.com");
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
    @Order(1)
    void erasureEmailSendErrorWithoutAnEmailConfig() {
        String id = create("erasure_policy", Map.of("email", "no-config@example.com"));
        JsonNode request = awaitEnd(id);
        assertEquals("error", request.get("status").asText());
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("step", "erasure_email_post_send");
        details.put("collection", null);
        details.put("action_needed", null);
        assertEquals(Api.JSON.valueToTree(details), request.get("action_required_details"));
        assertEquals("/privacy-request/" + id + "/retry", request.get("resume_endpoint").asText());
        assertEquals(0, inbox.count("third_party@example.com", "Data erasure request"));
    }

    @Test
    @Order(2)
    void accessCompletionWithoutAnEmailConfigIsAnError() {
        String id = create("access_policy", Map.of("email", "no-config-access@example.com"));
        assertEquals("error", awaitEnd(id).get("status").asText());
        assertEquals(0, inbox.to("no-config-access@example.com").size());
    }

    @Test
    @Order(3)
    void theUploadHappensAndThenOneEmail() {
        emailConfig();
        String id = create("access_policy", Map.of("email", "upload@example.com"));
        assertEquals("complete", awaitEnd(id).get("status").asText());
        String notice = Inbox.text(inbox.await("upload@example.com", "Your data is ready to be downloaded"));
        assertTrue(notice.contains("/api/v1/access-package/"), notice);
        assertEquals(1, inbox.count("upload@example.com", "Your data is ready to be downloaded"));
        assertEquals(1, inbox.to("upload@example.com").size(), "the receipt is off, as in fidesops' tests: one email, the completion");
    }

    @Test
    @Order(4)
    void anErasureRequestMailsTheEmailConnector() {
        String id = create("erasure_policy", Map.of("email", "customer-1@example.com"));
        assertEquals("complete", awaitEnd(id).get("status").asText());
        String mail = Inbox.text(inbox.await("third_party@example.com", "Data erasure request"));
        assertTrue(mail.contains("customer-1@example.com") && mail.contains("children") && mail.contains("payment")
                && mail.contains("daycare_customer"), "every collection is listed: " + mail);
        // As fidesops' email connector builds them (test_email_connector.py, test_integration_email.py): the
        // identity locates the customer, children are located through the reference, payment has nothing to erase.
        assertTrue(mail.contains("Field: <i>user_email</i>, Values: customer-1@example.com"), mail);
        assertTrue(mail.contains("Field: <i>parent_id</i>, Values: email_dataset:daycare_customer:id"), mail);
        assertTrue(mail.contains("<li><i>first_name</i></li>") && mail.contains("<li><i>birthday</i></li>"), mail);
        assertTrue(mail.contains("No erasures needed on this collection."), mail);
        assertFalse(mail.contains("card_number"), mail);
        inbox.await("customer-1@example.com", "Your data has been deleted");
        assertEquals(1, inbox.count("customer-1@example.com", "Your data has been deleted"));
    }

    @Test
    @Order(5)
    void aReadOnlyConnectorIsNotMailed() {
        connector("email_connection_config", "read", null);
        int before = inbox.count("third_party@example.com", "Data erasure request");
        String id = create("erasure_policy", Map.of("email", "read-only@example.com"));
        assertEquals("complete", awaitEnd(id).get("status").asText());
        inbox.await("read-only@example.com", "Your data has been deleted");
        assertEquals(before, inbox.count("third_party@example.com", "Data erasure request"));
        connector("email_connection_config", "write", null);
    }

    @Test
    @Order(6)
    void noEmailWhenNothingIsToBeErased() {
        int before = inbox.count("third_party@example.com", "Data erasure request");
        String id = create("job_title_policy", Map.of("email", "job-title@example.com"));
        assertEquals("complete", awaitEnd(id).get("status").asText());
        inbox.await("job-title@example.com", "Your data has been deleted");
        assertEquals(before, inbox.count("third_party@example.com", "Data erasure request"),
                "user.job_title is in none of the collections");
    }

    @Test
    @Order(7)
    void accessAndErasureSendBothCompletionEmails() {
        String id = create("access_and_erasure_policy", Map.of("email", "both@example.com"));
        assertEquals("complete", awaitEnd(id).get("status").asText());
        inbox.await("both@example.com", "Your data is ready to be downloaded");
        inbox.await("both@example.com", "Your data has been deleted");
    }

    @Test
    @Order(8)
    void withoutAnEmailIdentityTheCompletionEmailCannotGo() {
        String id = create("access_policy", Map.of("phone_number", "+1 231 231 2330"));
        JsonNode request = awaitEnd(id);
        assertEquals("error", request.get("status").asText());
        assertTrue(verbose(id).get("failures").toString().contains("Identity email was not found"), verbose(id).toString());
    }

    @Test
    @Order(9)
    void aRetryMailsWhatFailedAndNothingTwice() {
        connector("unready_connector", "write", null);
        fides.patch("/api/v1/connection/unready_connector/dataset", List.of(renamed(PrivacyFlowIT.dataset(), "unready_dataset")));
        String id = create("erasure_policy", Map.of("email", "retry@example.com"));
        JsonNode failed = awaitEnd(id);
        assertEquals("error", failed.get("status").asText(), "the unready connector has no to_email");
        assertEquals("erasure_email_post_send", failed.get("action_required_details").get("step").asText());
        // This request's own mail to the ready connector's vendor (earlier requests' mails may still arrive).
        Waiter.until(Duration.ofSeconds(30), "the vendor's erasure mail for this request", () -> vendorMailsFor("retry@example.com") == 1);
        int vendorMails = vendorMailsFor("retry@example.com");
        assertEquals(0, inbox.count("retry@example.com", "Your data has been deleted"), "no completion while in error");

        assertEquals(403, fides.as(fides.api().tokenWithScopes("privacy-request:read")).post("/api/v1/privacy-request/" + id
                + "/retry", null).status());
        assertEquals(200, fides.put("/api/v1/connection/unready_connector/secret?verify=false",
                Map.of("to_email", "late@example.com")).status());
        Api.Response retried = fides.post("/api/v1/privacy-request/" + id + "/retry", null);
        assertEquals(200, retried.status(), retried.body());
        assertEquals("in_processing", retried.json().get("status").asText());
        assertEquals("complete", awaitEnd(id).get("status").asText());
        inbox.await("late@example.com", "Data erasure request");
        inbox.await("retry@example.com", "Your data has been deleted");
        assertEquals(vendorMails, vendorMailsFor("retry@example.com"), "the dataset mailed before the failure is not mailed again");
        assertEquals(1, inbox.count("late@example.com", "Data erasure request"));

        Api.Response again = fides.post("/api/v1/privacy-request/" + id + "/retry", null);
        assertEquals(400, again.status());
        assertEquals("Cannot restart privacy request from failure: privacy request '" + id + "' status = complete.",
                again.json().get("detail").asText());
        assertEquals(404, fides.post("/api/v1/privacy-request/000000000000000000000000/retry", null).status());
        assertEquals(401, fides.as(null).post("/api/v1/privacy-request/" + id + "/retry", null).status());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void emailConfig() {
        assertEquals(200, fides.post("/api/v1/email/config", Map.of("key", "smtp_config", "name", "smtp", "service_type", "smtp",
                "details", Map.of("host", "127.0.0.1", "port", inbox.port(), "security", "none",
                        "from_address", "privacy@example.org"))).status());
        assertEquals(200, fides.put("/api/v1/email/config/smtp_config/secret", Map.of("username", Inbox.USER,
                "password", Inbox.PASSWORD)).status());
    }

    private void connector(String key, String access, String toEmail) {
        assertEquals(1, fides.patch("/api/v1/connection", List.of(Map.of("name", key, "key", key, "connection_type", "email",
                "access", access))).json().get("succeeded").size());
        if (toEmail != null) {
            fides.put("/api/v1/connection/" + key + "/secret?verify=false", Map.of("to_email", toEmail));
            fides.patch("/api/v1/connection/" + key + "/dataset", List.of(PrivacyFlowIT.dataset()));
        }
    }

    private static Map<String, Object> renamed(Map<String, Object> dataset, String key) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(dataset);
        copy.put("fides_key", key);
        return copy;
    }

    private static Map<String, Object> accessRule(String key) {
        return Map.of("name", key, "key", key, "action_type", "access", "storage_destination_key", "local");
    }

    private static Map<String, Object> erasureRule(String key) {
        return Map.of("name", key, "key", key, "action_type", "erasure", "masking_strategy", Map.of("strategy", "null_rewrite"));
    }

    private void policy(String key, List<Map<String, Object>> rules, Map<String, String> targets) {
        fides.patch("/api/v1/policy", List.of(Map.of("name", key, "key", key)));
        assertEquals(rules.size(), fides.patch("/api/v1/policy/" + key + "/rule", rules).json().get("succeeded").size());
        targets.forEach((rule, category) -> assertEquals(1, fides.patch("/api/v1/policy/" + key + "/rule/" + rule + "/target",
                List.of(Map.of("name", category, "key", rule + "_target", "data_category", category))).json().get("succeeded").size()));
    }

    private String create(String policy, Map<String, String> identity) {
        Api.Response created = fides.as(null).post("/api/v1/privacy-request", List.of(Map.of("requested_at",
                "2021-08-30T16:09:37.359Z", "policy_key", policy, "identity", identity)));
        assertEquals(1, created.json().get("succeeded").size(), created.body());
        return created.json().get("succeeded").get(0).get("id").asText();
    }

    private JsonNode awaitEnd(String id) {
        JsonNode[] item = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(30), "request " + id + " to end", () -> {
            item[0] = fides.get("/api/v1/privacy-request?request_id=" + id).json().get("items").get(0);
            return List.of("complete", "error").contains(item[0].get("status").asText());
        });
        assertFalse(item[0].get("finished_processing_at").isNull());
        return item[0];
    }

    private JsonNode verbose(String id) {
        return fides.get("/api/v1/privacy-request?request_id=" + id + "&verbose=true").json().get("items").get(0).get("results");
    }

    /** The erasure requests mailed to the third party's vendor that name this identity. */
    private int vendorMailsFor(String identity) {
        return (int) inbox.to("third_party@example.com").stream()
                .filter(message -> {
                    try {
                        return "Data erasure request".equals(message.getSubject()) && Inbox.text(message).contains(identity);
                    } catch (jakarta.mail.MessagingException e) {
                        return false;
                    }
                }).count();
    }
}
