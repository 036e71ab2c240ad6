package io.mailgate.privacy;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.AcceptedMail;
import io.mailgate.mail.Addresses;
import io.mailgate.mail.Mail;
import io.mailgate.mail.MailOutcomes;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.provider.FidesKeys;

/**
 * /api/v1/connection as fidesops 1.8.2 answers it, for email connectors: bulk create or update,
 * list with its filters (search, disabled, test_status, system_type, connection_type) by name, one
 * connector, its secrets with a test email, and the test again.
 */
public class ConnectionEndpoints {

    private static final int MAX_BULK = 50;
    private static final int MAX_NAME = 255;
    private static final int MAX_DESCRIPTION = 2000;
    private static final int MAX_ADDRESS = 320;
    private static final Set<String> FIELDS = Set.of("name", "key", "connection_type", "access", "disabled", "description");
    private static final Set<String> SECRET_FIELDS = Set.of("url", "to_email", "test_email");
    /** fidesops' ConnectionType: valid to name, though Mailgate keeps only email connectors. */
    static final List<String> CONNECTION_TYPES = List.of("postgres", "mongodb", "mysql", "https", "saas", "redshift", "snowflake",
            "mssql", "mariadb", "bigquery", "manual", "email", "manual_webhook", "timescale");

    private final Json json;
    private final ConnectionStore store;
    private final MailOutcomes outcomes;

    public ConnectionEndpoints(Json json, ConnectionStore store, MailOutcomes outcomes) {
        this.json = json;
        this.store = store;
        this.outcomes = outcomes;
    }

    /** PATCH /api/v1/connection: create or update up to 50 connectors; an item that breaks the schema fails the request. */
    public String patch(Object body) {
        JsonNode items = array(body);
        for (int i = 0; i < items.size(); i++) {
            checkShape(items.get(i), i);
        }
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : items) {
            Map<String, Object> data = normalized(item);
            String name = item.get("name").asText();
            if (!"email".equals(item.get("connection_type").asText())) {
                answer.failed("This connection configuration could not be added: Mailgate has email connectors only.", data);
                continue;
            }
            boolean keyGiven = item.hasNonNull("key");
            String key = keyGiven ? item.get("key").asText() : FidesKeys.fromName(name);
            boolean exists = keyGiven && store.find(key).isPresent();
            String access = item.get("access").asText();
            boolean disabled = item.path("disabled").asBoolean(false);
            String description = item.hasNonNull("description") ? item.get("description").asText() : null;
            Saved saved = exists ? store.update(key, name, access, disabled, description)
                    : store.create(key, name, access, disabled, description);
            answer.saved(saved, "ConnectionConfig", key, name, data, () -> view(store.find(key).orElseThrow()));
        }
        return json.write(answer.toMap());
    }

    /** GET /api/v1/connection?search=&disabled=&test_status=&system_type=&connection_type=&page=&size= */
    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE / 100);
        int size = FidesQuery.positive(query, "size", 50, 100);
        Boolean disabled = FidesQuery.bool(query, "disabled", null);
        String testStatus = FidesQuery.oneOf(query.get("test_status"), "test_status", List.of("passed", "failed", "untested"));
        String systemType = FidesQuery.oneOf(query.get("system_type"), "system_type", List.of("saas", "database", "manual"));
        List<String> types = FidesQuery.parseAll(rawQuery).getOrDefault("connection_type", List.of());
        types.forEach(type -> FidesQuery.oneOf(type, "connection_type", CONNECTION_TYPES));
        String search = query.get("search");
        if (search != null && search.length() > MAX_NAME) {
            throw ApiException.validation(List.of("query", "search"), "ensure this value has at most " + MAX_NAME + " characters");
        }
        // Every connector is an email connector, which fidesops counts among the "database" systems.
        boolean none = (systemType != null && !systemType.equals("database")) || (!types.isEmpty() && !types.contains("email"));
        ConnectionStore.Filter filter = new ConnectionStore.Filter(search, disabled,
                testStatus == null || testStatus.equals("untested") ? null : testStatus.equals("passed"), "untested".equals(testStatus));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", none ? List.of() : store.page(filter, page, size).stream().map(ConnectionEndpoints::view).toList());
        answer.put("total", none ? 0 : store.count(filter));
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public String get(String key) {
        return json.write(view(find(key)));
    }

    public void delete(String key) {
        if (!store.delete(key)) {
            throw unknown(key);
        }
    }

    /** A test of a connector: where its test email goes (null when there is nowhere), or no test at all. */
    public record ConnectionTest(String key, String message, boolean run, String testEmail) {
    }

    /**
     * PUT .../secret?verify=: stores fidesops' EmailSchema ({"url", "to_email", "test_email"}); with
     * verify (the default) a test email then goes to test_email.
     */
    public ConnectionTest putSecrets(String key, Object body, String rawQuery) {
        find(key);
        boolean verify = FidesQuery.bool(FidesQuery.parse(rawQuery), "verify", true);
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!SECRET_FIELDS.contains(name)) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        String url = optionalText(root, "url");
        String to = optionalText(root, "to_email");
        String test = optionalText(root, "test_email");
        if ((to == null || to.isEmpty()) && (url == null || url.isEmpty())) {
            throw ApiException.validation(List.of("body", "__root__"), "EmailSchema must be supplied a 'url' or all of: ['to_email'].");
        }
        if (to != null) {
            String problem = Addresses.problem(to);
            if (problem != null) {
                throw ApiException.validation(List.of("body", "to_email"), "to_email " + problem);
            }
        }
        store.putSecrets(key, new EmailConnector.ConnectionSecrets(url, to, test));
        return new ConnectionTest(key, "Secrets updated for ConnectionConfig with key: " + key + ".", verify, test);
    }

    /** GET .../test: the test email again, to the stored test_email. */
    public ConnectionTest testAgain(String key) {
        EmailConnector connector = find(key);
        String test = connector.secrets().map(EmailConnector.ConnectionSecrets::testEmail).orElse(null);
        return new ConnectionTest(key, "Test completed for ConnectionConfig with key: " + key + ".", true, test);
    }

    /** The test email to send, or null: no test asked for, or no address to send it to (a failed test, as in fidesops). */
    public Notice testNotice(ConnectionTest test) {
        if (!test.run() || test.testEmail() == null || Addresses.problem(test.testEmail()) != null) {
            return null;
        }
        Map<String, Object> collection = new LinkedHashMap<>();
        collection.put("name", "test_collection");
        collection.put("locators", List.of(Map.of("field", "id", "values", List.of("example_id"))));
        collection.put("fields", List.of("test_field"));
        return new Notice(null, "email_erasure_fulfillment", test.testEmail(), null, Map.of("collections", List.of(collection),
                "dataset", "test_dataset", "connector", test.key()), null);
    }

    /** The answer to a secret or test call, with the real outcome of the test email, which is recorded on the connector. */
    public String testAnswer(ConnectionTest test, AcceptedMail sent) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("msg", test.message());
        if (!test.run()) {
            answer.put("test_status", null);
            answer.put("failure_reason", null);
            return json.write(answer);
        }
        String failure;
        if (sent == null) {
            failure = test.testEmail() == null || test.testEmail().isEmpty() ? "No test_email to send a test email to"
                    : "test_email is not a valid address";
        } else {
            Mail outcome = outcomes.await(sent.mail().id()).orElse(null);
            failure = outcome != null && outcome.status() == Mail.Status.SENT ? null : outcome == null
                    ? "The test email " + sent.mail().id() + " was not delivered in time"
                    : outcome.failureReason().orElse("Delivery failed");
        }
        store.recordTest(test.key(), failure == null);
        answer.put("test_status", failure == null ? "succeeded" : "failed");
        answer.put("failure_reason", failure);
        return json.write(answer);
    }

    EmailConnector find(String key) {
        return store.find(key).orElseThrow(() -> unknown(key));
    }

    private static ApiException unknown(String key) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No connection configuration found with key '" + key + "'.");
    }

    private JsonNode array(Object body) {
        JsonNode node = Bodies.json(json.mapper(), body);
        if (!node.isArray()) {
            throw ApiException.validation(List.of("body"), "value is not a valid list");
        }
        if (node.size() > MAX_BULK) {
            throw ApiException.validation(List.of("body"), "ensure this value has at most " + MAX_BULK + " items");
        }
        return node;
    }

    /** fidesops' CreateConnectionConfiguration: anything else is a 422 for the whole request, naming the item and field. */
    private static void checkShape(JsonNode item, int index) {
        if (!item.isObject()) {
            throw ApiException.validation(List.of("body", index), "value is not a valid dict");
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.validation(List.of("body", index, name), "extra fields not permitted");
            }
        }
        for (String required : List.of("name", "connection_type", "access")) {
            if (!item.hasNonNull(required)) {
                throw ApiException.validation(List.of("body", index, required), "field required");
            }
        }
        if (!item.get("name").isTextual()) {
            throw ApiException.validation(List.of("body", index, "name"), "str type expected");
        }
        if (item.get("name").asText().length() > MAX_NAME) {
            throw ApiException.validation(List.of("body", index, "name"), "ensure this value has at most " + MAX_NAME + " characters");
        }
        if (item.hasNonNull("key") && (!item.get("key").isTextual() || !FidesDatasets.FIDES_KEY.matcher(item.get("key").asText())
                .matches())) {
            throw ApiException.validation(List.of("body", index, "key"),
                    "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.");
        }
        if (item.hasNonNull("key") && item.get("key").asText().length() > MAX_NAME) {
            throw ApiException.validation(List.of("body", index, "key"), "ensure this value has at most " + MAX_NAME + " characters");
        }
        if (!CONNECTION_TYPES.contains(item.get("connection_type").asText())) {
            throw ApiException.validation(List.of("body", index, "connection_type"), "value is not a valid enumeration member; "
                    + "permitted: " + String.join(", ", CONNECTION_TYPES.stream().map(t -> "'" + t + "'").toList()));
        }
        if (!List.of("read", "write").contains(item.get("access").asText())) {
            throw ApiException.validation(List.of("body", index, "access"),
                    "value is not a valid enumeration member; permitted: 'read', 'write'");
        }
        if (item.hasNonNull("disabled") && !item.get("disabled").isBoolean()) {
            throw ApiException.validation(List.of("body", index, "disabled"), "value could not be parsed to a boolean");
        }
        if (item.hasNonNull("description") && (!item.get("description").isTextual()
                || item.get("description").asText().length() > MAX_DESCRIPTION)) {
            throw ApiException.validation(List.of("body", index, "description"), "ensure this value has at most " + MAX_DESCRIPTION
                    + " characters");
        }
    }

    /** The item as fidesops echoes it in "failed": every field, defaults filled in. */
    private static Map<String, Object> normalized(JsonNode item) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", item.get("name").asText());
        data.put("key", item.hasNonNull("key") ? item.get("key").asText() : null);
        data.put("connection_type", item.get("connection_type").asText());
        data.put("access", item.get("access").asText());
        data.put("disabled", item.path("disabled").asBoolean(false));
        data.put("description", item.hasNonNull("description") ? item.get("description").asText() : null);
        return data;
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.validation(List.of("body", field), "str type expected");
        }
        if (value.asText().length() > MAX_ADDRESS * 4 || value.asText().chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw ApiException.validation(List.of("body", field), field + " must be a single line of at most " + MAX_ADDRESS * 4
                    + " characters");
        }
        return value.asText();
    }

    static Map<String, Object> view(EmailConnector connector) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", connector.name());
        view.put("key", connector.key());
        view.put("description", connector.description());
        view.put("connection_type", "email");
        view.put("access", connector.access());
        view.put("created_at", Instant.ofEpochMilli(connector.createdAt()).toString());
        view.put("updated_at", Instant.ofEpochMilli(connector.updatedAt()).toString());
        view.put("disabled", connector.disabled());
        view.put("last_test_timestamp", connector.lastTestTimestamp().map(at -> Instant.ofEpochMilli(at).toString()).orElse(null));
        view.put("last_test_succeeded", connector.lastTestSucceeded().orElse(null));
        view.put("saas_config", null);
        return view;
    }
}
