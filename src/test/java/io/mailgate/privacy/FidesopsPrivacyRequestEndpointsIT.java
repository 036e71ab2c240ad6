package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Fides;
import io.mailgate.support.Inbox;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/**
 * fidesops 1.8.2's tests/ops/api/v1/endpoints/test_privacy_request_endpoints.py, the classes on the
 * email side (create, list and its filters, approve, deny, retry, verify identity, the verification and
 * receipt emails), replayed against two Mailgates: one that wants manual approval, and one that wants
 * identity verification (at first without an email config, as fidesops' "no email config" test).
 * Where fidesops sets a status in its database, the request is brought there through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidesopsPrivacyRequestEndpointsIT {

    private static final String URL = "/api/v1/privacy-request";
    private static final String PASSWORD = "Correct-horse-9";
    private static final Set<String> RESPONSE_KEYS = Set.of("id", "created_at", "days_left", "started_processing_at",
            "finished_processing_at", "identity_verified_at", "status", "external_id", "identity", "reviewed_at", "reviewed_by",
            "paused_at", "reviewer", "policy", "action_required_details", "resume_endpoint");

    private Inbox inbox;
    private MailgateInstance reviewed;
    private MailgateInstance verified;
    private Fides fides;
    private Fides verifying;

    @BeforeAll
    void start() {
        inbox = Inbox.start();
        reviewed = MailgateInstance.start(Map.of("mailgate.privacy.manual-approval-required", "true"));
        fides = new Fides(reviewed.api(), reviewed.api().rootToken());
        emailConfig(fides);
        setUp(fides);
        verified = MailgateInstance.start(Map.of("mailgate.privacy.identity-verification-required", "true"));
        verifying = new Fides(verified.api(), verified.api().rootToken());
        setUp(verifying);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {reviewed, verified, inbox}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    /** fidesops' policy fixture: an access policy writing to storage, targeting user data; and an erasure policy. */
    private static void setUp(Fides fides) {
        fides.patch("/api/v1/storage/config", List.of(Map.of("key", "my_test_config", "name", "Local", "type", "local",
                "details", Map.of("naming", "request_id"))));
        fides.patch("/api/v1/policy", List.of(Map.of("name", "example access request policy", "key", "example_access_request_policy"),
                Map.of("name", "example erasure policy", "key", "example_erasure_policy")));
        fides.patch("/api/v1/policy/example_access_request_policy/rule", List.of(Map.of("name", "access request rule", "key",
                "access_request_rule", "action_type", "access", "storage_destination_key", "my_test_config")));
        fides.patch("/api/v1/policy/example_access_request_policy/rule/access_request_rule/target", List.of(Map.of("name", "Test",
                "key", "test_target", "data_category", "user")));
        fides.patch("/api/v1/policy/example_erasure_policy/rule", List.of(Map.of("name", "Erasure Rule", "key", "erasure_rule",
                "action_type", "erasure", "masking_strategy", Map.of("strategy", "null_rewrite", "configuration", Map.of()))));
        fides.patch("/api/v1/policy/example_erasure_policy/rule/erasure_rule/target", List.of(Map.of("name", "Names", "key",
                "names", "data_category", "user.name")));
    }

    private void emailConfig(Fides on) {
        assertEquals(200, on.post("/api/v1/email/config", Map.of("key", "smtp_config", "name", "smtp", "service_type", "smtp",
                "details", Map.of("host", "127.0.0.1", "port", inbox.port(), "security", "none",
                        "from_address", "privacy@example.org"))).status());
        assertEquals(200, on.put("/api/v1/email/config/smtp_config/secret", Map.of("username", Inbox.USER,
                "password", Inbox.PASSWORD)).status());
    }

    private static Map<String, Object> request(String policy, Map<String, Object> identity) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("requested_at", "2021-08-30T16:09:37.359Z");
        request.put("policy_key", policy);
        request.put("identity", identity);
        return request;
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    private String create(Fides on, Map<String, Object> request) {
        Api.Response created = on.as(null).post(URL, List.of(request));
        assertEquals(1, created.json().get("succeeded").size(), created.body());
        return created.json().get("succeeded").get(0).get("id").asText();
    }

    private JsonNode find(Fides on, String id, String query) {
        return on.get(URL + "?request_id=" + id + query).json().get("items").get(0);
    }

    private JsonNode awaitStatus(Fides on, String id, String... statuses) {
        JsonNode[] item = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(30), id + " to be one of " + List.of(statuses), () -> {
            item[0] = find(on, id, "");
            return List.of(statuses).contains(item[0].get("status").asText());
        });
        return item[0];
    }

    private Fides scoped(String... scopes) {
        return fides.as(fides.api().tokenWithScopes(scopes));
    }

    // ---- TestCreatePrivacyRequest -------------------------------------------------------------------

    @Test
    void create() {
        Api.Response created = fides.as(null).post(URL, List.of(request("example_access_request_policy",
                Map.of("email", "test@example.com"))));
        assertEquals(200, created.status());
        assertEquals(1, created.json().get("succeeded").size());
        assertEquals("pending", created.json().get("succeeded").get(0).get("status").asText(), "manual approval is required");
    }

    @Test
    void createStoresIdentities() {
        String email = unique("identities");
        String id = create(fides, request("example_access_request_policy", Map.of("email", email, "phone_number", "+1 234 567 8910")));
        JsonNode identity = find(fides, id, "&include_identities=true").get("identity");
        assertEquals(email, identity.get("email").asText());
        assertEquals("+1 234 567 8910", identity.get("phone_number").asText());
    }

    @Test
    void createWithTheMaskingConfigurationOfAStringRewrite() {
        fides.patch("/api/v1/policy", List.of(Map.of("name", "string rewrite", "key", "erasure_policy_string_rewrite")));
        Api.Response rule = fides.patch("/api/v1/policy/erasure_policy_string_rewrite/rule", List.of(Map.of("name", "Rewrite",
                "key", "string_rewrite_rule", "action_type", "erasure", "masking_strategy", Map.of("strategy", "string_rewrite",
                        "configuration", Map.of("rewrite_value", "MASKED")))));
        assertEquals(1, rule.json().get("succeeded").size(), rule.body());
        assertTrue(rule.json().get("succeeded").get(0).get("masking_strategy").has("strategy"));
        assertFalse(rule.json().get("succeeded").get(0).get("masking_strategy").has("configuration"),
                "the configuration may hold secrets: never answered");
        create(fides, request("erasure_policy_string_rewrite", Map.of("email", "test@example.com")));
    }

    @Test
    void createLimitExceeded() {
        List<Map<String, Object>> payload = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            payload.add(request("example_access_request_policy", Map.of("email", "ftest" + i + "@example.com")));
        }
        Api.Response response = fides.as(null).post(URL, payload);
        assertEquals(422, response.status());
        assertEquals("ensure this value has at most 50 items", response.json().get("detail").get(0).get("msg").asText());
    }

    @Test
    void createWithExternalId() {
        Map<String, Object> request = request("example_access_request_policy", Map.of("email", "test@example.com"));
        request.put("external_id", "ext_some-uuid-here-1234");
        Api.Response created = fides.as(null).post(URL, List.of(request));
        assertEquals("ext_some-uuid-here-1234", created.json().get("succeeded").get(0).get("external_id").asText());
    }

    @Test
    void createWithoutIdentities() {
        Api.Response response = fides.as(null).post(URL, List.of(request("example_access_request_policy", Map.of())));
        assertEquals(200, response.status());
        assertEquals(0, response.json().get("succeeded").size());
        assertEquals(1, response.json().get("failed").size());
    }

    @Test
    void hostileCreates() {
        assertEquals(422, fides.as(null).post(URL, "{\"not\": \"a list\"}").status());
        assertEquals(422, fides.as(null).post(URL, "[{").status());
        Map<String, Object> longExternal = request("example_access_request_policy", Map.of("email", "test@example.com"));
        longExternal.put("external_id", "x".repeat(256));
        assertEquals(422, fides.as(null).post(URL, List.of(longExternal)).status());
        assertEquals(422, fides.as(null).post(URL, List.of(request("example_access_request_policy",
                Map.of("email", "a".repeat(400) + "@example.com")))).status());
        assertEquals(422, fides.as(null).post(URL, List.of(request("example_access_request_policy",
                Map.of("email", "test@example.com", "favourite_colour", "blue")))).status());
        assertEquals("Policy with key nope does not exist", fides.as(null).post(URL, List.of(request("nope",
                Map.of("email", "test@example.com")))).json().get("failed").get(0).get("message").asText());
    }

    // ---- TestGetPrivacyRequests ---------------------------------------------------------------------

    @Test
    void listNeedsAuthenticationAndTheScope() {
        assertEquals(401, fides.as(null).get(URL).status());
        assertEquals(403, scoped("storage:create_or_update").get(URL).status());
    }

    @Test
    void conflictingQueryParams() {
        assertEquals(400, scoped("privacy-request:read").get(URL + "?completed_lt=2021-01-01T00:00:00.000Z"
                + "&errored_gt=2021-01-02T00:00:00.000Z").status());
        Api.Response dates = fides.get(URL + "?created_gt=2019-01-01T00:00:00.000Z&created_lt=2018-01-01T00:00:00.000Z");
        assertEquals(400, dates.status());
        assertEquals("Value specified for created_lt: 2018-01-01 00:00:00+00:00 must be after created_gt: 2019-01-01 00:00:00+00:00.",
                dates.json().get("detail").asText());
        assertEquals(200, fides.get(URL + "?created_gt=2021-01-01T00:00:00.000Z").status(), "a datetime is accepted");
        assertEquals(422, fides.get(URL + "?status=bogus").status());
        assertEquals(422, fides.get(URL + "?created_gt=yesterday").status());
    }

    @Test
    void byIdAndPartialIdInFidesopsShape() {
        String id = create(fides, request("example_access_request_policy", Map.of("email", unique("by-id"))));
        for (String query : List.of(id, id.substring(0, 5))) {
            Api.Response response = scoped("privacy-request:read").get(URL + "?request_id=" + query);
            assertEquals(200, response.status());
            JsonNode item = null;
            for (JsonNode candidate : response.json().get("items")) {
                if (candidate.get("id").asText().equals(id)) {
                    item = candidate;
                }
            }
            assertTrue(item != null, response.body());
            Set<String> keys = new HashSet<>();
            item.fieldNames().forEachRemaining(keys::add);
            keys.remove("emails");
            assertEquals(RESPONSE_KEYS, keys, "fidesops' keys, and the mails Mailgate sent (API.md)");
            assertEquals("pending", item.get("status").asText());
            assertTrue(item.get("identity").isNull() && item.get("reviewed_by").isNull() && item.get("reviewer").isNull());
            assertTrue(item.get("action_required_details").isNull() && item.get("resume_endpoint").isNull());
            JsonNode policy = item.get("policy");
            assertEquals("example access request policy", policy.get("name").asText());
            assertEquals("example_access_request_policy", policy.get("key").asText());
            assertTrue(policy.has("drp_action") && policy.has("execution_timeframe"));
            assertEquals("access_request_rule", policy.get("rules").get(0).get("key").asText());
            assertEquals("my_test_config", policy.get("rules").get(0).get("storage_destination").get("key").asText());
            assertEquals(1, response.json().get("page").asInt());
            assertEquals(50, response.json().get("size").asInt());
        }
    }

    @Test
    void filtersStatusesIdentityExternalIdAndDates() {
        String email = unique("filters");
        String pending = create(fides, request("example_access_request_policy", Map.of("email", email)));
        String complete = create(fides, request("example_access_request_policy", Map.of("email", email)));
        Map<String, Object> withExternal = request("example_access_request_policy", Map.of("email", email));
        withExternal.put("external_id", "test_external_id_" + pending);
        String external = fides.as(null).post(URL, List.of(withExternal)).json().get("succeeded").get(0).get("id").asText();
        fides.patch(URL + "/administrate/approve", Map.of("request_ids", List.of(complete)));
        awaitStatus(fides, complete, "complete");

        List<String> byIdentity = ids(URL + "?identity=" + email);
        assertEquals(Set.of(pending, complete, external), new HashSet<>(byIdentity));
        assertEquals(List.of(external, complete, pending), byIdentity, "newest first");
        assertEquals(List.of(complete), ids(URL + "?identity=" + email + "&status=complete"));
        assertEquals(Set.of(pending, external), new HashSet<>(ids(URL + "?identity=" + email + "&status=pending")));
        assertEquals(Set.of(pending, external, complete), new HashSet<>(ids(URL + "?identity=" + email
                + "&status=pending&status=complete")));
        assertEquals(List.of(external), ids(URL + "?external_id=test_external_id_" + pending));
        assertEquals(List.of(), ids(URL + "?external_id=nothing_like_it"));
        assertEquals(List.of(), ids(URL + "?identity=" + email + "&created_lt=2019-01-01T00:00:00.000Z"));
        assertEquals(3, ids(URL + "?identity=" + email + "&created_gt=2019-01-01T00:00:00.000Z").size());
        assertEquals(List.of(complete), ids(URL + "?identity=" + email + "&started_gt=2019-01-01T00:00:00.000Z"));
        assertEquals(List.of(complete), ids(URL + "?identity=" + email + "&completed_gt=2019-01-01T00:00:00.000Z"));
        assertEquals(List.of(), ids(URL + "?identity=" + email + "&completed_lt=2019-01-01T00:00:00.000Z"));
        assertEquals(List.of(), ids(URL + "?identity=" + email + "&errored_gt=2019-01-01T00:00:00.000Z"));

        JsonNode withIdentity = find(fides, complete, "&status=complete&include_identities=true");
        assertEquals(email, withIdentity.get("identity").get("email").asText());
        assertTrue(find(fides, complete, "&status=complete").get("identity").isNull());
        assertTrue(find(fides, complete, "&status=complete&include_identities=false").get("identity").isNull());
        assertTrue(find(fides, complete, "").get("finished_processing_at").isTextual());
    }

    private List<String> ids(String path) {
        Api.Response response = fides.get(path);
        assertEquals(200, response.status(), response.body());
        List<String> ids = new ArrayList<>();
        response.json().get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    @Test
    void aFailedRequestSaysWhereToResume() {
        fides.patch("/api/v1/connection", List.of(Map.of("name", "No address", "key", "no_address", "connection_type", "email",
                "access", "write")));
        fides.patch("/api/v1/connection/no_address/dataset", List.of(PrivacyFlowIT.dataset()));
        fides.patch("/api/v1/policy/example_erasure_policy/rule/erasure_rule/target", List.of(Map.of("name", "Children",
                "key", "children", "data_category", "user.childrens")));
        String id = create(fides, request("example_erasure_policy", Map.of("email", unique("failed"))));
        fides.patch(URL + "/administrate/approve", Map.of("request_ids", List.of(id)));
        JsonNode failed = awaitStatus(fides, id, "error");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("step", "erasure_email_post_send");
        details.put("collection", null);
        details.put("action_needed", null);
        assertEquals(Api.JSON.valueToTree(details), failed.get("action_required_details"));
        assertEquals("/privacy-request/" + id + "/retry", failed.get("resume_endpoint").asText());
        assertTrue(ids(URL + "?status=error").contains(id));
        assertTrue(ids(URL + "?errored_gt=2019-01-01T00:00:00.000Z").contains(id));
        fides.delete("/api/v1/connection/no_address");
        fides.patch("/api/v1/policy/example_erasure_policy/rule/erasure_rule/target", List.of(Map.of("name", "Children",
                "key", "children", "data_category", "user.name")));

        // TestRestartFromFailure
        String retry = URL + "/" + id + "/retry";
        assertEquals(401, fides.as(null).post(retry, null).status());
        assertEquals(403, scoped("privacy-request:read").post(retry, null).status());
        Api.Response restarted = scoped("privacy-request:resume").post(retry, null);
        assertEquals(200, restarted.status(), restarted.body());
        assertEquals("in_processing", restarted.json().get("status").asText());
        awaitStatus(fides, id, "complete");
        Api.Response notErrored = fides.post(retry, null);
        assertEquals(400, notErrored.status());
        assertEquals("Cannot restart privacy request from failure: privacy request '" + id + "' status = complete.",
                notErrored.json().get("detail").asText());
    }

    // ---- TestApprovePrivacyRequest / TestDenyPrivacyRequest -------------------------------------------

    @Test
    void approve() throws Exception {
        String approve = URL + "/administrate/approve";
        assertEquals(401, fides.as(null).patch(approve, null).status());
        assertEquals(403, scoped("privacy-request:read").patch(approve, null).status());
        JsonNode missing = scoped("privacy-request:review").patch(approve, Map.of("request_ids", List.of("does_not_exist"))).json();
        assertEquals(0, missing.get("succeeded").size());
        assertEquals("No privacy request found with id 'does_not_exist'", missing.get("failed").get(0).get("message").asText());

        String email = unique("approved");
        String id = create(fides, request("example_access_request_policy", Map.of("email", email)));
        JsonNode byClient = scoped("privacy-request:review").patch(approve, Map.of("request_ids", List.of(id))).json();
        assertEquals(1, byClient.get("succeeded").size());
        assertEquals("approved", byClient.get("succeeded").get(0).get("status").asText());
        assertEquals(id, byClient.get("succeeded").get(0).get("id").asText());
        assertFalse(byClient.get("succeeded").get(0).get("reviewed_at").isNull());
        assertTrue(byClient.get("succeeded").get(0).get("reviewed_by").isNull(), "no user on the client");
        assertEquals("Your request has been approved", inbox.await(email, "Your request has been approved").getSubject());

        awaitStatus(fides, id, "complete");
        JsonNode again = fides.patch(approve, Map.of("request_ids", List.of(id))).json();
        assertEquals(0, again.get("succeeded").size());
        assertEquals("Cannot transition status", again.get("failed").get(0).get("message").asText());
        assertEquals("complete", again.get("failed").get(0).get("data").get("status").asText());

        // By a user: reviewed_by is the user, and the list shows the reviewer.
        String userId = user("reviewer-" + UUID.randomUUID().toString().substring(0, 8), List.of("privacy-request:review",
                "privacy-request:read"));
        String userToken = login(userId);
        String byUser = create(fides, request("example_access_request_policy", Map.of("email", unique("by-user"))));
        JsonNode answer = fides.as(userToken).patch(approve, Map.of("request_ids", List.of(byUser))).json();
        assertEquals(userId, answer.get("succeeded").get(0).get("reviewed_by").asText());
        JsonNode reviewer = find(fides, byUser, "").get("reviewer");
        assertEquals(userId, reviewer.get("id").asText());
        assertEquals(users.get(userId), reviewer.get("username").asText());
    }

    @Test
    void deny() throws Exception {
        String deny = URL + "/administrate/deny";
        assertEquals(401, fides.as(null).patch(deny, null).status());
        assertEquals(403, scoped("privacy-request:read").patch(deny, null).status());
        assertEquals("No privacy request found with id 'does_not_exist'", scoped("privacy-request:review").patch(deny,
                Map.of("request_ids", List.of("does_not_exist"))).json().get("failed").get(0).get("message").asText());

        String withoutReason = unique("denied");
        String id = create(fides, request("example_access_request_policy", Map.of("email", withoutReason)));
        JsonNode denied = fides.patch(deny, Map.of("request_ids", List.of(id))).json().get("succeeded").get(0);
        assertEquals("denied", denied.get("status").asText());
        assertFalse(denied.get("reviewed_at").isNull());
        String mail = Inbox.text(inbox.await(withoutReason, "Your request has been denied"));
        assertFalse(mail.contains("Reason"), mail);
        JsonNode completed = fides.patch(deny, Map.of("request_ids", List.of(id))).json();
        assertEquals("Cannot transition status", completed.get("failed").get(0).get("message").asText());
        assertEquals("denied", completed.get("failed").get(0).get("data").get("status").asText());

        String withReason = unique("denied-reason");
        String second = create(fides, request("example_access_request_policy", Map.of("email", withReason)));
        fides.patch(deny, Map.of("request_ids", List.of(second), "reason", "Your request was denied because reasons"));
        assertTrue(Inbox.text(inbox.await(withReason, "Your request has been denied")).contains("Your request was denied because reasons"));
        Thread.sleep(300);
        assertEquals("denied", find(fides, second, "").get("status").asText(), "a denied request never runs");
        assertEquals(422, fides.patch(deny, Map.of("request_ids", List.of(second), "reason", "r".repeat(2001))).status());
    }

    // ---- TestVerifyIdentity and the verification email --------------------------------------------------

    @Test
    void verification() {
        // TestCreatePrivacyRequestEmailVerificationRequired: no email config, the code cannot be sent.
        Api.Response noConfig = verifying.as(null).post(URL, List.of(request("example_access_request_policy",
                Map.of("email", "test@example.com"))));
        assertEquals(200, noConfig.status());
        JsonNode failed = noConfig.json().get("failed").get(0);
        assertEquals("Verification email could not be sent.", failed.get("message").asText());
        assertEquals("identity_unverified", failed.get("data").get("status").asText());
        assertTrue(failed.get("data").get("privacy_request_id").isTextual());

        emailConfig(verifying);
        String email = unique("verify");
        Api.Response created = verifying.as(null).post(URL, List.of(request("example_access_request_policy", Map.of("email", email))));
        JsonNode request = created.json().get("succeeded").get(0);
        assertEquals("identity_unverified", request.get("status").asText());
        String id = request.get("id").asText();
        String code = Inbox.code(inbox.await(email, "Your one-time code"));
        assertTrue(Inbox.text(inbox.await(email, "Your one-time code")).contains("10 minutes"), "600 s, in minutes");

        String verify = URL + "/" + id + "/verify";
        Api.Response wrong = verifying.as(null).post(verify, Map.of("code", code.equals("999999") ? "999998" : "999999"));
        assertEquals(403, wrong.status());
        assertEquals("Incorrect identification code for '" + id + "'", wrong.json().get("detail").asText());
        Api.Response right = verifying.as(null).post(verify, Map.of("code", code));
        assertEquals(200, right.status(), right.body());
        assertEquals("pending", right.json().get("status").asText());
        assertTrue(right.json().get("identity_verified_at").isTextual());
        inbox.await(email, "Your request has been received");
        JsonNode done = awaitStatus(verifying, id, "complete");
        assertTrue(done.get("identity_verified_at").isTextual(), "no admin approval needed: it ran");

        Api.Response incorrectStatus = verifying.as(null).post(verify, Map.of("code", code));
        assertEquals(400, incorrectStatus.status());
        assertEquals("Invalid identity verification request. Privacy request '" + id + "' status = complete.",
                incorrectStatus.json().get("detail").asText());
        assertEquals(404, verifying.as(null).post(URL + "/000000000000000000000000/verify", Map.of("code", "123456")).status());
        assertEquals(422, verifying.as(null).post(verify, Map.of()).status());
    }

    @Test
    void anExpiredCodeIsRefused() {
        try (MailgateInstance quick = MailgateInstance.start(Map.of("mailgate.privacy.identity-verification-required", "true",
                "mailgate.privacy.verification-code-ttl-seconds", "1", "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(inbox.port()), "mailgate.smtp.username", Inbox.USER,
                "mailgate.smtp.password", Inbox.PASSWORD))) {
            Fides quickFides = new Fides(quick.api(), quick.api().rootToken());
            setUp(quickFides);
            String email = unique("expired");
            String id = create(quickFides, request("example_access_request_policy", Map.of("email", email)));
            String code = Inbox.code(inbox.await(email, "Your one-time code"));
            long sent = System.currentTimeMillis();
            Waiter.until(Duration.ofSeconds(10), "the code to expire", () -> System.currentTimeMillis() > sent + 1500);
            Api.Response expired = quickFides.as(null).post(URL + "/" + id + "/verify", Map.of("code", code));
            assertEquals(400, expired.status());
            assertEquals("Identification code expired for " + id + ".", expired.json().get("detail").asText());
        }
    }

    // ---- users ------------------------------------------------------------------------------------------

    private final Map<String, String> users = new LinkedHashMap<>();

    private String user(String name, List<String> scopes) {
        Api.Response created = fides.post("/api/v1/user", Map.of("username", name, "password", base64(PASSWORD)));
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();
        assertEquals(201, fides.post("/api/v1/user/" + id + "/permission", Map.of("scopes", scopes)).status());
        users.put(id, name);
        return id;
    }

    private String login(String userId) {
        Api.Response login = fides.as(null).post("/api/v1/login", Map.of("username", users.get(userId), "password", base64(PASSWORD)));
        assertEquals(200, login.status(), login.body());
        return login.json().get("token_data").get("access_token").asText();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
