package io.mailgate.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Fides;
import io.mailgate.support.Inbox;
import io.mailgate.support.MailgateInstance;

/**
 * fidesops 1.8.2's tests/ops/api/v1/endpoints/test_connection_config_endpoints.py, replayed. Mailgate
 * keeps email connectors only (API.md): fidesops' postgres and mongodb fixtures become email
 * connectors with the same names, keys and descriptions, and a database type is answered in "failed"
 * exactly as fidesops answers a connector it could not add.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FidesopsConnectionConfigEndpointsIT {

    private static final String URL = "/api/v1/connection";
    private static final Set<String> KEYS = Set.of("connection_type", "access", "updated_at", "saas_config", "name",
            "last_test_timestamp", "last_test_succeeded", "key", "created_at", "disabled", "description");

    private Inbox inbox;
    private MailgateInstance mailgate;
    private Fides fides;

    @BeforeAll
    void start() {
        inbox = Inbox.start();
        mailgate = MailgateInstance.start(Map.of("mailgate.smtp.host", "127.0.0.1", "mailgate.smtp.port",
                Integer.toString(inbox.port()), "mailgate.smtp.username", Inbox.USER, "mailgate.smtp.password", Inbox.PASSWORD));
        fides = new Fides(mailgate.api(), mailgate.api().rootToken());
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

    private Fides scoped(String... scopes) {
        return fides.as(fides.api().tokenWithScopes(scopes));
    }

    private static Map<String, Object> connector(String name, String key, String access) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", name);
        if (key != null) {
            item.put("key", key);
        }
        item.put("connection_type", "email");
        item.put("access", access);
        return item;
    }

    private static List<Map<String, Object>> payload() {
        return new ArrayList<>(List.of(connector("My Main Postgres DB", "postgres_db_1", "write"),
                connector("My Mongo DB", null, "read")));
    }

    private void deleteAll(String... keys) {
        for (String key : keys) {
            fides.delete(URL + "/" + key);
        }
    }

    // ---- PATCH --------------------------------------------------------------------------------------

    @Test
    void patchNeedsAuthenticationAndTheScope() {
        assertEquals(401, fides.as(null).patch(URL, payload()).status());
        assertEquals(403, scoped("storage:delete").patch(URL, payload()).status());
    }

    @Test
    void secretsCannotBeAddedInline() {
        List<Map<String, Object>> payload = payload();
        payload.get(0).put("secrets", Map.of("host", "localhost"));
        Api.Response response = scoped("connection:create_or_update").patch(URL, payload);
        assertEquals(422, response.status());
        assertEquals("extra fields not permitted", response.json().get("detail").get(0).get("msg").asText());
    }

    @Test
    void bulkCreate() {
        Api.Response response = scoped("connection:create_or_update").patch(URL, payload());
        assertEquals(200, response.status());
        JsonNode body = response.json();
        assertEquals(2, body.size());
        assertEquals(2, body.get("succeeded").size());
        JsonNode postgres = body.get("succeeded").get(0);
        assertEquals("My Main Postgres DB", postgres.get("name").asText());
        assertEquals("postgres_db_1", postgres.get("key").asText());
        assertEquals("email", postgres.get("connection_type").asText());
        assertEquals("write", postgres.get("access").asText());
        assertFalse(postgres.get("created_at").isNull());
        assertFalse(postgres.get("updated_at").isNull());
        assertTrue(postgres.get("last_test_timestamp").isNull());
        assertFalse(postgres.get("disabled").asBoolean());
        assertFalse(postgres.has("secrets"));
        JsonNode mongo = body.get("succeeded").get(1);
        assertEquals("my_mongo_db", mongo.get("key").asText(), "the name, snake-cased");
        assertEquals("read", mongo.get("access").asText());
        assertEquals(0, body.get("failed").size());

        // The same again: the keyed one is updated, the unkeyed one's derived key is taken.
        JsonNode again = fides.patch(URL, payload()).json();
        assertEquals(1, again.get("succeeded").size());
        assertEquals("postgres_db_1", again.get("succeeded").get(0).get("key").asText());
        assertTrue(again.get("failed").get(0).get("data").get("key").isNull());
        assertTrue(again.get("failed").get(0).get("message").asText().contains("Key my_mongo_db already exists in ConnectionConfig"));
        deleteAll("postgres_db_1", "my_mongo_db");
    }

    @Test
    void fiftyAtMost() {
        List<Map<String, Object>> payload = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            payload.add(connector("My Main Postgres DB " + i, "postgres_db_" + i, "read"));
        }
        Api.Response response = fides.patch(URL, payload);
        assertEquals(422, response.status());
        assertEquals("ensure this value has at most 50 items", response.json().get("detail").get(0).get("msg").asText());
    }

    @Test
    void bulkUpdate() {
        fides.patch(URL, List.of(connector("Update me", "update_me", "write"), connector("Email Connector", "email_connector", "write")));
        Map<String, Object> disabled = connector("Update me", "update_me", "read");
        disabled.put("disabled", true);
        Map<String, Object> described = connector("Email Connector", "email_connector", "write");
        described.put("description", "Backup email connector");
        JsonNode body = fides.patch(URL, List.of(disabled, described)).json();
        assertEquals(2, body.get("succeeded").size());
        assertEquals("read", body.get("succeeded").get(0).get("access").asText());
        assertTrue(body.get("succeeded").get(0).get("disabled").asBoolean());
        assertEquals("Backup email connector", body.get("succeeded").get(1).get("description").asText());
        deleteAll("update_me", "email_connector");
    }

    @Test
    void aConnectorThatCannotBeAddedIsAnsweredInFailed() {
        JsonNode body = fides.patch(URL, List.of(Map.of("name", "My Main Postgres DB", "key", "postgres_db_1", "connection_type",
                "postgres", "access", "write"), Map.of("name", "My Mongo DB", "connection_type", "mongodb", "access", "read"))).json();
        assertEquals(0, body.get("succeeded").size());
        assertEquals(2, body.get("failed").size());
        for (JsonNode failed : body.get("failed")) {
            assertTrue(failed.get("message").asText().contains("This connection configuration could not be added"));
            assertEquals(Set.of("message", "data"), names(failed));
        }
        Map<String, Object> first = new HashMap<>();
        first.put("name", "My Main Postgres DB");
        first.put("key", "postgres_db_1");
        first.put("connection_type", "postgres");
        first.put("access", "write");
        first.put("disabled", false);
        first.put("description", null);
        assertEquals(Api.JSON.valueToTree(first), body.get("failed").get(0).get("data"));
        Map<String, Object> second = new HashMap<>(first);
        second.put("name", "My Mongo DB");
        second.put("key", null);
        second.put("connection_type", "mongodb");
        second.put("access", "read");
        assertEquals(Api.JSON.valueToTree(second), body.get("failed").get(1).get("data"));
    }

    @Test
    void everyLengthIsCheckedNeverLeftToTheDatabase() {
        assertEquals(422, fides.patch(URL, List.of(connector("n".repeat(256), "long_name", "write"))).status());
        assertEquals(422, fides.patch(URL, List.of(connector("Long key", "k".repeat(256), "write"))).status());
        Map<String, Object> description = connector("Long description", "long_description", "write");
        description.put("description", "d".repeat(2001));
        assertEquals(422, fides.patch(URL, List.of(description)).status());
        assertEquals(422, fides.patch(URL, List.of(Map.of("name", "x", "connection_type", "carrier pigeon", "access", "write"))).status());
        assertEquals(422, fides.patch(URL, List.of(Map.of("name", "x", "connection_type", "email", "access", "admin"))).status());
        assertEquals(422, fides.patch(URL, "[{\"name\": ").status());
        assertEquals(404, fides.get(URL + "/long_name").status());
    }

    // ---- GET ------------------------------------------------------------------------------------------

    /** fidesops' fixtures, as email connectors: connection_config, disabled, read-only, redshift and mongo ones. */
    private void fixtures() {
        Map<String, Object> main = connector("My Postgres DB 1", "my_postgres_db_1", "write");
        main.put("description", "Primary postgres connection");
        Map<String, Object> disabled = connector("Disabled Postgres Connector", "disabled_postgres_connector", "read");
        disabled.put("disabled", true);
        Map<String, Object> read = connector("My Read Postgres DB", "my_postgres_db_read", "read");
        read.put("description", "Read-only connection config");
        assertEquals(5, fides.patch(URL, List.of(main, disabled, read, connector("My Redshift Config", "my_redshift_config", "write"),
                connector("My Mongo DB", "my_mongo_db", "write"))).json().get("succeeded").size());
    }

    private List<String> keys(String query) {
        Api.Response response = scoped("connection:read").get(URL + query);
        assertEquals(200, response.status(), response.body());
        List<String> keys = new ArrayList<>();
        response.json().get("items").forEach(item -> keys.add(item.get("key").asText()));
        return keys;
    }

    @Test
    void listsFiltersSearchAndOrder() {
        assertEquals(401, fides.as(null).get(URL).status());
        assertEquals(403, scoped("storage:delete").get(URL).status());
        fixtures();
        Api.Response listed = scoped("connection:read").get(URL + "?search=my_postgres_db_1");
        JsonNode connection = listed.json().get("items").get(0);
        assertEquals(KEYS, names(connection));
        assertEquals("my_postgres_db_1", connection.get("key").asText());
        assertEquals("write", connection.get("access").asText());
        assertTrue(connection.get("last_test_timestamp").isNull());
        assertEquals(1, listed.json().get("total").asInt());
        assertEquals(1, listed.json().get("page").asInt());
        assertEquals(50, listed.json().get("size").asInt());

        assertTrue(keys("?connection_type=email").containsAll(List.of("my_postgres_db_1", "disabled_postgres_connector",
                "my_postgres_db_read", "my_redshift_config", "my_mongo_db")));
        assertEquals(List.of(), keys("?connection_type=postgres"), "Mailgate holds email connectors only");
        assertTrue(keys("?connection_type=postgres&connection_type=email").contains("my_mongo_db"));
        assertFalse(keys("?connection_type=email&disabled=false").contains("disabled_postgres_connector"));
        assertTrue(keys("?connection_type=email&disabled=True").contains("disabled_postgres_connector"));
        assertFalse(keys("?connection_type=email&disabled=True").contains("my_mongo_db"));

        assertEquals(List.of("my_postgres_db_1"), keys("?search=primary"));
        assertEquals(List.of("my_postgres_db_read"), keys("?search=read-only"));
        assertEquals(List.of(), keys("?search=nonexistent"));
        assertEquals(List.of("my_postgres_db_1", "my_postgres_db_read"), keys("?search=postgres_db"), "ordered by name");

        assertEquals(List.of(), keys("?system_type=saas"));
        assertEquals(List.of(), keys("?system_type=manual"));
        assertTrue(keys("?system_type=database").contains("my_mongo_db"));
        assertEquals(List.of(), keys("?system_type=saas&connection_type=mongodb"));
        assertEquals(422, fides.get(URL + "?test_status=bogus").status());
        assertEquals(422, fides.get(URL + "?disabled=maybe").status());
        assertEquals(422, fides.get(URL + "?size=0").status());

        Api.Response one = scoped("connection:read").get(URL + "/my_postgres_db_1");
        assertEquals(KEYS, names(one.json()));
        assertEquals(401, fides.as(null).get(URL + "/my_postgres_db_1").status());
        assertEquals(403, scoped("storage:delete").get(URL + "/my_postgres_db_1").status());
        Api.Response missing = scoped("connection:read").get(URL + "/this_is_a_nonexistent_key");
        assertEquals(404, missing.status());
        assertEquals("No connection configuration found with key 'this_is_a_nonexistent_key'.", missing.json().get("detail").asText());
        deleteAll("my_postgres_db_1", "disabled_postgres_connector", "my_postgres_db_read", "my_redshift_config", "my_mongo_db");
    }

    @Test
    void testStatusFilters() {
        fides.patch(URL, List.of(connector("Passes", "passes", "write"), connector("Fails", "fails", "write"),
                connector("Untested", "untested", "write")));
        assertEquals("succeeded", fides.put(URL + "/passes/secret", Map.of("to_email", "p@example.com",
                "test_email", "passes@example.com")).json().get("test_status").asText());
        assertEquals("failed", fides.put(URL + "/fails/secret", Map.of("to_email", "f@example.com", "test_email", ""))
                .json().get("test_status").asText());
        assertTrue(keys("?test_status=passed").contains("passes"));
        assertFalse(keys("?test_status=passed").contains("fails"));
        assertTrue(keys("?test_status=failed").contains("fails"));
        assertFalse(keys("?test_status=failed").contains("passes"));
        assertTrue(keys("?test_status=untested").contains("untested"));
        assertFalse(keys("?test_status=untested").contains("passes"));
        deleteAll("passes", "fails", "untested");
    }

    // ---- DELETE -----------------------------------------------------------------------------------

    @Test
    void delete() {
        fides.patch(URL, List.of(connector("Deleted", "deleted", "write")));
        assertEquals(401, fides.as(null).delete(URL + "/deleted").status());
        assertEquals(403, scoped("connection:read").delete(URL + "/deleted").status());
        assertEquals(404, scoped("connection:delete").delete(URL + "/non_existent_config").status());
        assertEquals(204, scoped("connection:delete").delete(URL + "/deleted").status());
        assertEquals(404, fides.get(URL + "/deleted").status());
    }

    // ---- secrets ------------------------------------------------------------------------------------

    @Test
    void secrets() throws Exception {
        fides.patch(URL, List.of(connector("Email", "email_connection_config", "write")));
        String url = URL + "/email_connection_config/secret";
        assertEquals(401, fides.as(null).put(url, null).status());
        assertEquals(403, scoped("connection:read").put(url, Map.of()).status());
        assertEquals(404, scoped("connection:create_or_update").put(URL + "/this_is_not_a_known_key/secret", Map.of()).status());
        Api.Response schema = scoped("connection:create_or_update").put(url, Map.of("incorrect_postgres_uri_component", "test-1"));
        assertEquals(422, schema.status());
        assertEquals("extra fields not permitted", schema.json().get("detail").get(0).get("msg").asText());

        Map<String, Object> payload = new HashMap<>();
        payload.put("url", null);
        payload.put("to_email", "test1@example.com");
        payload.put("test_email", "test@example.com");
        Api.Response response = scoped("connection:create_or_update").put(url, payload);
        assertEquals(200, response.status(), response.body());
        assertEquals("Secrets updated for ConnectionConfig with key: email_connection_config.", response.json().get("msg").asText());
        assertEquals("succeeded", response.json().get("test_status").asText());
        JsonNode stored = fides.get(URL + "/email_connection_config").json();
        assertNotNull(stored.get("last_test_timestamp").textValue());
        assertTrue(stored.get("last_test_succeeded").asBoolean());
        assertFalse(stored.toString().contains("test1@example.com"), "secrets are never answered");
        String test = Inbox.text(inbox.await("test@example.com", "Data erasure request"));
        assertTrue(test.contains("test_collection") && test.contains("example_id") && test.contains("test_field"), test);

        // The Postman body: an empty test_email is a failed test, not a 422.
        Api.Response postman = fides.put(url, Map.of("to_email", "customer-1@example.com", "test_email", ""));
        assertEquals(200, postman.status());
        assertEquals("failed", postman.json().get("test_status").asText());
        assertFalse(fides.get(URL + "/email_connection_config").json().get("last_test_succeeded").asBoolean());

        int tests = inbox.count("quiet@example.com", "Data erasure request");
        Api.Response quiet = fides.put(url + "?verify=false", Map.of("to_email", "t@example.com", "test_email", "quiet@example.com"));
        assertTrue(quiet.json().get("test_status").isNull());
        Thread.sleep(500);
        assertEquals(tests, inbox.count("quiet@example.com", "Data erasure request"), "verify=false sends no test email");
        assertEquals(422, fides.put(url + "?verify=maybe", Map.of("to_email", "t@example.com")).status());
        assertEquals(422, fides.put(url, Map.of("to_email", "not an address")).status());
        assertEquals(422, fides.put(url, Map.of("to_email", "a".repeat(2000) + "@example.com")).status());
        assertEquals(422, fides.put(url, Map.of("to_email", "a@example.com\r\nBcc: victim@example.com")).status());
        deleteAll("email_connection_config");
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
