package io.mailgate.privacy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.mail.Addresses;
import io.mailgate.mail.Mail;
import io.mailgate.mail.MailOutcomes;
import io.mailgate.mail.AcceptedMail;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.platform.Json;

/** /api/v1/connection: email connectors, their secrets and test emails, and their datasets. */
public class ConnectionEndpoints {

    private static final int MAX_BULK = 50;
    private static final Set<String> FIELDS = Set.of("name", "key", "connection_type", "access", "disabled", "description");

    private final Json json;
    private final ConnectionStore store;
    private final DatasetRules rules;
    private final MailOutcomes outcomes;

    public ConnectionEndpoints(Json json, ConnectionStore store, DatasetRules rules, MailOutcomes outcomes) {
        this.json = json;
        this.store = store;
        this.rules = rules;
        this.outcomes = outcomes;
    }

    /** PATCH /api/v1/connection: create or update up to 50 connectors. */
    public String patch(Object body) {
        JsonNode items = array(body);
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : items) {
            if (item.has("secrets")) {
                throw ApiException.validation(List.of("body", "secrets"),
                        "secrets are not accepted here: use PUT /api/v1/connection/{key}/secret");
            }
        }
        for (JsonNode item : items) {
            String problem = connectorProblem(item);
            if (problem != null) {
                answer.failed(problem, item);
                continue;
            }
            String name = item.get("name").asText();
            String key = item.hasNonNull("key") ? item.get("key").asText()
                    : io.mailgate.provider.FidesKeys.fromName(name);
            boolean stored = store.upsert(key, name, item.get("access").asText(),
                    item.path("disabled").asBoolean(false), item.path("description").asText(null));
            if (stored) {
                answer.succeeded(view(store.find(key).orElseThrow()));
            } else {
                answer.failed("A connector named " + name + " already exists", item);
            }
        }
        return json.write(answer.toMap());
    }

    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE);
        int size = FidesQuery.positive(query, "size", 50, 100);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", store.page(page, size).stream().map(ConnectionEndpoints::view).toList());
        answer.put("total", store.count());
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

    /** PUT .../secret: stores to_email (and test_email); a test email, if any, is the notice to send next. */
    public Notice putSecrets(String key, Object body) {
        find(key);
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("to_email") && !name.equals("test_email")) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        String to = email(root, "to_email", true);
        String test = email(root, "test_email", false);
        store.putSecrets(key, new EmailConnector.ConnectionSecrets(to, test));
        return test == null ? null : testNotice(key, test);
    }

    /** GET .../test: the test email again, to the stored test_email. */
    public Notice testAgain(String key) {
        EmailConnector connector = find(key);
        String test = connector.secrets().map(EmailConnector.ConnectionSecrets::testEmail)
                .orElseThrow(() -> new ApiException(ErrorCode.BAD_REQUEST, "Connector " + key + " has no test_email"));
        return testNotice(key, test);
    }

    /** The answer to a secret or test call: the real outcome of the test email, if one was sent. */
    public String testAnswer(String key, AcceptedMail test) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("msg", "Secrets updated for ConnectionConfig with key: " + key + ".");
        if (test == null) {
            answer.put("test_status", null);
            answer.put("failure_reason", null);
        } else {
            Mail outcome = outcomes.await(test.mail().id()).orElse(null);
            boolean sent = outcome != null && outcome.status() == Mail.Status.SENT;
            answer.put("test_status", sent ? "succeeded" : "failed");
            answer.put("failure_reason", sent ? null : outcome == null
                    ? "the test email " + test.mail().id() + " was not delivered in time"
                    : outcome.failureReason().orElse("delivery failed"));
        }
        return json.write(answer);
    }

    /** PATCH .../dataset: each dataset stored or failed with the reason, naming the collection. */
    public String patchDatasets(String key, Object body) {
        find(key);
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode dataset : array(body)) {
            String problem = rules.problem(dataset);
            if (problem != null) {
                answer.failed(problem, dataset);
            } else {
                store.saveDataset(key, dataset.get("fides_key").asText(), dataset.toString());
                answer.succeeded(dataset);
            }
        }
        return json.write(answer.toMap());
    }

    public String listDatasets(String key) {
        find(key);
        List<JsonNode> datasets = store.datasets(key).values().stream().map(json::readTree).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", datasets);
        answer.put("total", datasets.size());
        answer.put("page", 1);
        answer.put("size", Math.max(datasets.size(), 1));
        return json.write(answer);
    }

    public String getDataset(String key, String fidesKey) {
        find(key);
        String dataset = store.datasets(key).get(fidesKey);
        if (dataset == null) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No dataset with fides_key " + fidesKey);
        }
        return dataset;
    }

    public void deleteDataset(String key, String fidesKey) {
        find(key);
        if (!store.deleteDataset(key, fidesKey)) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No dataset with fides_key " + fidesKey);
        }
    }

    private Notice testNotice(String key, String testEmail) {
        Map<String, Object> collection = new LinkedHashMap<>();
        collection.put("name", "test_collection");
        collection.put("locators", List.of(Map.of("field", "id", "value", "example_id")));
        collection.put("fields", List.of("test_field"));
        return new Notice(null, "email_erasure_fulfillment", testEmail, null, Map.of("collections", List.of(collection),
                "dataset", "test_dataset", "connector", key), null);
    }

    private EmailConnector find(String key) {
        return store.find(key).orElseThrow(() -> unknown(key));
    }

    private static ApiException unknown(String key) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No connection config found with key " + key);
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

    private static String connectorProblem(JsonNode item) {
        if (!item.isObject()) {
            return "A connector must be an object";
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return "Unknown field " + name;
            }
        }
        if (!item.path("name").isTextual() || item.get("name").asText().isBlank()) {
            return "A connector needs a name";
        }
        if (item.hasNonNull("key") && (!item.get("key").isTextual()
                || !DatasetRules.FIDES_KEY.matcher(item.get("key").asText()).matches())) {
            return "key must only contain alphanumeric characters, '.', '_' or '-'";
        }
        if (!"email".equals(item.path("connection_type").asText())) {
            return "Mailgate has email connectors only: connection_type must be email";
        }
        String access = item.path("access").asText();
        if (!access.equals("write") && !access.equals("read")) {
            return "access must be write or read";
        }
        if (item.has("disabled") && !item.get("disabled").isBoolean()) {
            return "disabled must be true or false";
        }
        return null;
    }

    private static String email(JsonNode root, String field, boolean required) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.validation(List.of("body", field), "field required");
            }
            return null;
        }
        String problem = value.isTextual() ? Addresses.problem(value.asText()) : "is not a string";
        if (problem != null) {
            throw ApiException.validation(List.of("body", field), field + " " + problem);
        }
        return value.asText();
    }

    static Map<String, Object> view(EmailConnector connector) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", connector.key());
        view.put("name", connector.name());
        view.put("connection_type", "email");
        view.put("access", connector.access());
        view.put("disabled", connector.disabled());
        view.put("description", connector.description());
        view.put("created_at", java.time.Instant.ofEpochMilli(connector.createdAt()).toString());
        view.put("updated_at", java.time.Instant.ofEpochMilli(connector.updatedAt()).toString());
        return view;
    }
}
