package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Fides;
import io.mailgate.support.MailgateInstance;

/**
 * fidesops 1.8.2's tests/ops/api/v1/endpoints/test_email_endpoints.py (the email config API),
 * replayed. Two deliberate differences (DESIGN.md): Mailgate keeps several email configs (failover),
 * so a second one is not "Only one email config is supported", and its answers add fields (priority,
 * enabled, rate_limit, has_secrets; base_url and from_address in Mailgun's details): fidesops' keys are
 * checked to be there with fidesops' values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidesopsEmailEndpointsIT {

    private static final String URL = "/api/v1/email/config";

    private MailgateInstance mailgate;
    private Fides fides;

    @BeforeAll
    void start() {
        mailgate = MailgateInstance.start(Map.of());
        fides = new Fides(mailgate.api(), mailgate.api().rootToken());
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
    }

    private Fides scoped(String... scopes) {
        return fides.as(fides.api().tokenWithScopes(scopes));
    }

    private static Map<String, Object> payload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("name", "mailgun");
        payload.put("service_type", "mailgun");
        payload.put("details", Map.of("domain", "my.mailgun.domain"));
        return payload;
    }

    /** fidesops' expected answer is contained in Mailgate's. */
    private static void assertFidesops(Map<String, Object> expected, JsonNode actual) {
        expected.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                map.forEach((detail, detailValue) -> assertEquals(Api.JSON.valueToTree(detailValue), actual.get(key).get((String) detail),
                        key + "." + detail + " in " + actual));
            } else {
                assertEquals(Api.JSON.valueToTree(value), actual.get(key), key + " in " + actual);
            }
        });
    }

    @Test
    void post() {
        assertEquals(401, fides.as(null).post(URL, payload()).status());
        assertEquals(403, scoped("email:read").post(URL, payload()).status());

        Map<String, Object> invalidDetails = payload();
        invalidDetails.put("details", Map.of("invalid", "invalid"));
        Api.Response invalid = scoped("email:create_or_update").post(URL, invalidDetails);
        assertEquals(422, invalid.status());

        Map<String, Object> twilio = payload();
        twilio.put("service_type", "twilio");
        Api.Response unsupported = fides.post(URL, twilio);
        assertEquals(422, unsupported.status());
        assertTrue(unsupported.json().get("detail").get(0).get("msg").asText().startsWith("value is not a valid enumeration member; "
                + "permitted: 'mailgun'"), unsupported.body());

        Api.Response noKey = fides.post(URL, payload());
        assertEquals(200, noKey.status(), noKey.body());
        assertEquals("mailgun", noKey.json().get("key").asText());
        assertEquals(204, fides.delete(URL + "/mailgun").status());

        Map<String, Object> invalidKey = payload();
        invalidKey.put("key", "*invalid-key");
        Api.Response badKey = fides.post(URL, invalidKey);
        assertEquals(422, badKey.status());
        assertEquals("FidesKey must only contain alphanumeric characters, '.', '_' or '-'.",
                badKey.json().get("detail").get(0).get("msg").asText());

        Map<String, Object> keyed = payload();
        keyed.put("key", "my_email_config");
        Api.Response withKey = fides.post(URL, keyed);
        assertEquals(200, withKey.status());
        assertFidesops(Map.of("key", "my_email_config", "name", "mailgun", "service_type", "mailgun", "details",
                Map.of("api_version", "v3", "domain", "my.mailgun.domain", "is_eu_domain", false)), withKey.json());

        Api.Response missingDetail = fides.post(URL, Map.of("key", "other_config", "name", "other mailgun", "service_type",
                "mailgun", "details", Map.of()));
        assertEquals(422, missingDetail.status());
        assertTrue(missingDetail.json().get("detail").get(0).get("loc").toString().contains("details"));

        Api.Response again = fides.post(URL, keyed);
        assertEquals(400, again.status(), "the key is taken (Mailgate keeps several configs, each once)");
        assertEquals(204, fides.delete(URL + "/my_email_config").status());
    }

    @Test
    void patch() {
        Map<String, Object> fixture = payload();
        fixture.put("key", "patched_config");
        fixture.put("name", "patched");
        fides.post(URL, fixture);
        Map<String, Object> renamed = payload();
        renamed.put("key", "patched_config");
        renamed.put("name", "mailgun new name");
        assertEquals(401, fides.as(null).patch(URL + "/patched_config", renamed).status());
        assertEquals(403, scoped("email:read").patch(URL + "/patched_config", renamed).status());
        Api.Response missing = scoped("email:create_or_update").patch(URL + "/nonexistent_key", renamed);
        assertEquals(404, missing.status());
        assertEquals(Api.JSON.valueToTree(Map.of("detail", "No email config found with key nonexistent_key")), missing.json());
        Api.Response patched = fides.patch(URL + "/patched_config", renamed);
        assertEquals(200, patched.status(), patched.body());
        assertFidesops(Map.of("key", "patched_config", "name", "mailgun new name", "service_type", "mailgun", "details",
                Map.of("api_version", "v3", "domain", "my.mailgun.domain", "is_eu_domain", false)), patched.json());
        fides.delete(URL + "/patched_config");
    }

    @Test
    void secrets() {
        Map<String, Object> fixture = payload();
        fixture.put("key", "secret_config");
        fixture.put("name", "secret");
        fides.post(URL, fixture);
        String url = URL + "/secret_config/secret";
        Map<String, Object> payload = Map.of("mailgun_api_key", "1345234524");
        assertEquals(401, fides.as(null).put(url, payload).status());
        assertEquals(403, scoped("email:read").put(url, payload).status());
        assertEquals(404, scoped("email:create_or_update").put(URL + "/invalid_key/secret", payload).status());
        Api.Response invalid = fides.put(url, Map.of("bad_key", "12345"));
        assertEquals(400, invalid.status());
        assertEquals(Api.JSON.valueToTree(Map.of("detail", List.of("field required ('mailgun_api_key',)",
                "extra fields not permitted ('bad_key',)"))), invalid.json());
        Api.Response stored = fides.put(url, payload);
        assertEquals(200, stored.status());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("msg", "Secrets updated for EmailConfig with key: secret_config.");
        expected.put("test_status", null);
        expected.put("failure_reason", null);
        assertEquals(Api.JSON.valueToTree(expected), stored.json());
        assertTrue(!fides.get(URL + "/secret_config").body().contains("1345234524"), "secrets are never answered");
        fides.delete(URL + "/secret_config");
    }

    @Test
    void getAndDelete() {
        Map<String, Object> fixture = payload();
        fixture.put("key", "listed_config");
        fixture.put("name", "listed");
        fides.post(URL, fixture);
        assertEquals(401, fides.as(null).get(URL).status());
        assertEquals(403, scoped("email:create_or_update").get(URL).status());
        Api.Response list = scoped("email:read").get(URL);
        assertEquals(200, list.status());
        boolean found = false;
        for (JsonNode item : list.json().get("items")) {
            if (item.get("key").asText().equals("listed_config")) {
                assertFidesops(Map.of("name", "listed", "service_type", "mailgun", "details", Map.of("api_version", "v3",
                        "domain", "my.mailgun.domain", "is_eu_domain", false)), item);
                found = true;
            }
        }
        assertTrue(found, list.body());
        assertEquals(1, list.json().get("page").asInt());
        assertEquals(50, list.json().get("size").asInt());

        assertEquals(401, fides.as(null).get(URL + "/listed_config").status());
        assertEquals(403, scoped("email:create_or_update").get(URL + "/listed_config").status());
        assertEquals(404, scoped("email:read").get(URL + "/invalid").status());
        assertFidesops(Map.of("key", "listed_config", "name", "listed", "service_type", "mailgun"),
                scoped("email:read").get(URL + "/listed_config").json());

        assertEquals(401, fides.as(null).delete(URL + "/listed_config").status());
        assertEquals(403, scoped("email:read").delete(URL + "/listed_config").status());
        assertEquals(404, scoped("email:delete").delete(URL + "/invalid").status());
        assertEquals(204, scoped("email:delete").delete(URL + "/listed_config").status());
        assertEquals(404, fides.get(URL + "/listed_config").status());
    }
}
