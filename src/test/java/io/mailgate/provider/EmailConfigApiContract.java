package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.TestDatabase;

/** The fidesops email config API against a real Mailgate. Runs once per database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmailConfigApiContract {

    private final TestDatabase database;
    private MailgateInstance mailgate;
    private Api api;
    private String token;
    private final String tag = "c" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> keys = new ArrayList<>();
    private final List<String> answers = new ArrayList<>();

    EmailConfigApiContract(TestDatabase database) {
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
            keys.forEach(key -> api.delete("/api/v1/email/config/" + key, token));
            mailgate.close();
        }
    }

    @Test
    void aMailgunConfigComesBackWithEveryDefaultFilledIn() {
        JsonNode us = create(Map.of("name", tag + " Mailgun US", "service_type", "mailgun",
                "details", Map.of("domain", "mg.example.com"))).json();
        assertEquals(tag.toLowerCase() + "_mailgun_us", us.get("key").asText(), "the key is the snake-cased name");
        assertEquals("mailgun", us.get("service_type").asText());
        assertEquals(Map.of("domain", "mg.example.com", "is_eu_domain", false, "api_version", "v3",
                "base_url", "https://api.mailgun.net", "from_address", "mailgun@mg.example.com"),
                Api.JSON.convertValue(us.get("details"), Map.class), "a mail naming no sender goes out as fidesops sends it");
        assertEquals(100, us.get("priority").asInt());
        assertTrue(us.get("enabled").asBoolean());
        assertTrue(us.get("rate_limit").isNull());
        assertFalse(us.get("has_secrets").asBoolean());

        JsonNode eu = create(Map.of("key", tag + ".eu", "name", tag + " Mailgun EU", "service_type", "mailgun",
                "details", Map.of("domain", "mg.example.eu", "is_eu_domain", true), "priority", 5, "rate_limit", 10)).json();
        assertEquals("https://api.eu.mailgun.net", eu.get("details").get("base_url").asText());
        JsonNode sender = create(Map.of("name", tag + " Mailgun sender", "service_type", "mailgun",
                "details", Map.of("domain", "mg.example.com", "from_address", "privacy@example.com"))).json();
        assertEquals("privacy@example.com", sender.get("details").get("from_address").asText());
        assertEquals(10, eu.get("rate_limit").asInt());
        assertEquals(5, eu.get("priority").asInt());

        JsonNode smtp = create(Map.of("key", tag + "-smtp", "name", tag + " SMTP", "service_type", "smtp",
                "details", Map.of("host", "smtp.example.com"))).json();
        assertEquals(Map.of("host", "smtp.example.com", "port", 587, "security", "starttls"),
                withoutNulls(smtp.get("details")));
        JsonNode ses = create(Map.of("key", tag + "-ses", "name", tag + " SES", "service_type", "ses",
                "details", Map.of("region", "eu-west-1"))).json();
        assertTrue(ses.get("details").has("endpoint_override"));
    }

    @Test
    void configsAreListedReadReplacedAndDeleted() {
        String key = tag + "-crud";
        create(Map.of("key", key, "name", tag + " CRUD", "service_type", "outbox", "details", Map.of("directory", "/tmp/x")));
        JsonNode page = get("/api/v1/email/config?page=1&size=100");
        assertTrue(page.get("total").asInt() >= 1);
        assertEquals(1, page.get("page").asInt());
        assertEquals(100, page.get("size").asInt());
        assertTrue(page.get("items").toString().contains(key));
        assertEquals(422, api.get("/api/v1/email/config?size=101", token).status());
        assertEquals(422, api.get("/api/v1/email/config?page=0", token).status());

        assertEquals(key, get("/api/v1/email/config/" + key).get("key").asText());
        Api.Response patched = patch(key, Map.of("key", key, "name", tag + " CRUD", "service_type", "outbox",
                "details", Map.of("directory", "/tmp/y"), "enabled", false));
        assertEquals(200, patched.status(), patched.body());
        assertEquals("/tmp/y", patched.json().get("details").get("directory").asText());
        assertFalse(patched.json().get("enabled").asBoolean());
        assertEquals(422, patch(key, Map.of("name", tag + " CRUD")).status(), "PATCH takes a full body");

        assertEquals(204, api.delete("/api/v1/email/config/" + key, token).status());
        Api.Response gone = api.get("/api/v1/email/config/" + key, token);
        assertEquals(404, gone.status());
        assertEquals("No email config found with key " + key, gone.json().get("detail").asText());
        assertEquals(404, api.delete("/api/v1/email/config/" + key, token).status());
    }

    @Test
    void badConfigsAreRefusedTheFidesopsWay() {
        assertValidation(post(Map.of("key", "bad key!", "name", tag + " bad a", "service_type", "outbox",
                "details", Map.of("directory", "/tmp"))), "key");
        assertValidation(post(Map.of("name", tag + " bad b", "service_type", "pigeon", "details", Map.of())), "service_type");
        assertValidation(post(Map.of("name", tag + " bad c", "service_type", "mailgun", "details", Map.of("domain", "mg.example.com",
                "sandbox", true))), "sandbox");
        assertValidation(post(Map.of("name", tag + " bad d", "service_type", "mailgun", "details", Map.of())), "domain");
        assertValidation(post(Map.of("name", tag + " bad e", "service_type", "mailgun", "details", Map.of("domain", "mg.example.com"),
                "colour", "blue")), "colour");
        assertValidation(post(Map.of("name", tag + " bad f", "service_type", "ses", "details", Map.of("region", "mars"))), "region");
        assertValidation(post(Map.of("name", tag + " bad g", "service_type", "smtp", "details", Map.of("host", "x", "port", 70000))), "port");
        assertValidation(post(Map.of("name", tag + " bad h", "service_type", "mailgun", "details", Map.of("domain", "mg.example.com",
                "base_url", "ftp://x"))), "base_url");
        assertValidation(post(Map.of("name", tag + " bad i", "service_type", "outbox", "details", Map.of("directory", "/t"),
                "rate_limit", 0)), "rate_limit");
        assertEquals(422, api.postJson("/api/v1/email/config", token, "{").status());
        assertEquals(422, api.postJson("/api/v1/email/config", token, "").status());
        assertEquals(0, countNamed(tag + " bad"), "nothing is stored for a refused config");

        String key = tag + "-dup";
        create(Map.of("key", key, "name", tag + " Dup", "service_type", "outbox", "details", Map.of("directory", "/tmp")));
        Api.Response sameKey = post(Map.of("key", key, "name", tag + " Other", "service_type", "outbox",
                "details", Map.of("directory", "/tmp")));
        assertEquals(400, sameKey.status(), sameKey.body());
        assertTrue(sameKey.json().get("detail").asText().contains("already exists"));
        assertEquals(400, post(Map.of("key", tag + "-other", "name", tag + " Dup", "service_type", "outbox",
                "details", Map.of("directory", "/tmp"))).status(), "names are unique too");
    }

    @Test
    void secretsAreCheckedStoredAndNeverAnsweredBack() {
        String key = tag + "-secret";
        create(Map.of("key", key, "name", tag + " Secret", "service_type", "mailgun", "details", Map.of("domain", "mg.example.com")));
        String secret = "key-" + UUID.randomUUID();
        Api.Response missing = putSecret(key, Map.of());
        assertEquals(400, missing.status());
        assertEquals(List.of("field required ('mailgun_api_key',)"), Api.JSON.convertValue(missing.json().get("detail"), List.class));
        Api.Response extra = putSecret(key, Map.of("mailgun_api_key", "k", "password", "p"));
        assertEquals(400, extra.status());
        assertTrue(extra.json().get("detail").toString().contains("extra fields not permitted ('password',)"));

        Api.Response stored = putSecret(key, Map.of("mailgun_api_key", secret));
        assertEquals(200, stored.status(), stored.body());
        assertEquals("Secrets updated for EmailConfig with key: " + key + ".", stored.json().get("msg").asText());
        assertTrue(stored.json().get("test_status").isNull());
        JsonNode read = get("/api/v1/email/config/" + key);
        assertTrue(read.get("has_secrets").asBoolean());
        assertEquals(404, putSecret(tag + "-nothing", Map.of("mailgun_api_key", "x")).status());

        Api.Response ses = create(Map.of("key", tag + "-ses-secret", "name", tag + " SES Secret", "service_type", "ses",
                "details", Map.of("region", "us-east-1")));
        Api.Response sesMissing = putSecret(tag + "-ses-secret", Map.of("aws_access_key_id", "AKIA"));
        assertEquals(List.of("field required ('aws_secret_access_key',)"),
                Api.JSON.convertValue(sesMissing.json().get("detail"), List.class));
        assertEquals(200, ses.status());
        answers.forEach(body -> assertFalse(body.contains(secret), "a secret was answered back: " + body));
        assertFalse(get("/api/v1/email/config?size=100").toString().contains(secret));
    }

    @Test
    void everyConfigRouteChecksTokenAndScope() {
        String reader = api.tokenWithScopes("email:read");
        String writer = api.tokenWithScopes("email:create_or_update");
        String[][] routes = {
                {"GET", "/api/v1/email/config", "email:read"},
                {"POST", "/api/v1/email/config", "email:create_or_update"},
                {"GET", "/api/v1/email/config/x", "email:read"},
                {"PATCH", "/api/v1/email/config/x", "email:create_or_update"},
                {"DELETE", "/api/v1/email/config/x", "email:delete"},
                {"PUT", "/api/v1/email/config/x/secret", "email:create_or_update"}};
        for (String[] route : routes) {
            Api.Response none = call(route[0], route[1], null);
            assertEquals(401, none.status(), route[1]);
            assertEquals("Failed to authenticate", none.json().get("detail").asText());
            Api.Response wrong = call(route[0], route[1], route[2].equals("email:read") ? writer : reader);
            assertEquals(403, wrong.status(), route[0] + " " + route[1]);
            assertEquals("Not Authorized for this action", wrong.json().get("detail").asText());
        }
    }

    private Api.Response call(String method, String path, String bearer) {
        return api.send(api.request(path, bearer).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{}")));
    }

    private void assertValidation(Api.Response response, String field) {
        assertEquals(422, response.status(), response.body());
        JsonNode detail = response.json().get("detail").get(0);
        assertTrue(detail.get("loc").toString().contains(field), response.body());
        assertFalse(detail.get("msg").asText().isBlank());
    }

    private int countNamed(String prefix) {
        JsonNode page = get("/api/v1/email/config?size=100");
        int mine = 0;
        for (JsonNode item : page.get("items")) {
            mine += item.get("name").asText().startsWith(prefix) ? 1 : 0;
        }
        return mine;
    }

    private Api.Response create(Map<String, Object> body) {
        Api.Response response = post(body);
        assertEquals(200, response.status(), response.body());
        keys.add(response.json().get("key").asText());
        return response;
    }

    private Api.Response post(Map<String, Object> body) {
        return remember(api.postJson("/api/v1/email/config", token, body));
    }

    private Api.Response patch(String key, Map<String, Object> body) {
        return remember(api.send(api.request("/api/v1/email/config/" + key, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(body)))));
    }

    private Api.Response putSecret(String key, Map<String, Object> body) {
        return remember(api.send(api.request("/api/v1/email/config/" + key + "/secret", token)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Api.write(body)))));
    }

    private JsonNode get(String path) {
        Api.Response response = remember(api.get(path, token));
        assertEquals(200, response.status(), path + " -> " + response.body());
        return response.json();
    }

    private Api.Response remember(Api.Response response) {
        answers.add(response.body());
        return response;
    }

    private static Map<String, Object> withoutNulls(JsonNode node) {
        Map<String, Object> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isNull()) {
                map.put(e.getKey(), Api.JSON.convertValue(e.getValue(), Object.class));
            }
        });
        return map;
    }
}
