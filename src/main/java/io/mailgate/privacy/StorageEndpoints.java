package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.provider.FidesKeys;

/**
 * /api/v1/storage/config as fidesops 1.8.2 answers it: bulk create or update of storage destinations,
 * a page of them, one, its deletion, and the secrets of an s3 one, checked against its bucket.
 * Mailgate writes packages to {@code local} and {@code s3} destinations; fidesops' other types are
 * valid to name and answered as fidesops does, then refused in "failed".
 */
public class StorageEndpoints {

    private static final int MAX_BULK = 50;
    private static final int MAX_NAME = 255;
    private static final int MAX_OBJECT_NAME = 255;
    private static final int MAX_SECRET = 1000;
    private static final int MAX_RETRIES = 10;
    private static final List<String> TYPES = List.of("s3", "gcs", "transcend", "onetrust", "ethyca", "local");
    private static final List<String> FORMATS = List.of("json", "csv");
    /** S3's bucket names, legacy ones (capitals, underscores) included: the name also goes into a camel-aws2-s3 URI. */
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]");

    private final Json json;
    private final StorageConfigStore store;
    private final S3Destinations s3;

    public StorageEndpoints(Json json, StorageConfigStore store, S3Destinations s3) {
        this.json = json;
        this.store = store;
        this.s3 = s3;
    }

    /** PATCH: up to 50 destinations; an item breaking fidesops' StorageDestination schema fails the whole request (422). */
    public String patch(Object body) {
        JsonNode items = Bodies.json(json.mapper(), body);
        if (!items.isArray()) {
            throw ApiException.validation(List.of("body"), "value is not a valid list");
        }
        if (items.size() > MAX_BULK) {
            throw ApiException.validation(List.of("body"), "ensure this value has at most " + MAX_BULK + " items");
        }
        for (int i = 0; i < items.size(); i++) {
            checkShape(items.get(i), i);
        }
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : items) {
            String name = item.get("name").asText();
            String type = item.get("type").asText();
            String key = item.hasNonNull("key") ? item.get("key").asText() : FidesKeys.fromName(name);
            String format = item.hasNonNull("format") ? item.get("format").asText() : "json";
            Map<String, Object> details = json.mapper().convertValue(item.get("details"), Map.class);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("name", name);
            data.put("type", type);
            data.put("details", details);
            data.put("key", item.hasNonNull("key") ? key : null);
            data.put("format", format);
            if (!type.equals(StorageConfig.LOCAL) && !type.equals(StorageConfig.S3)) {
                answer.failed("Mailgate writes access packages to local and s3 storage destinations only.", data);
                continue;
            }
            answer.saved(store.save(key, name, type, details, format), "StorageConfig", key, name, data,
                    () -> view(store.find(key).orElseThrow()));
        }
        return json.write(answer.toMap());
    }

    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE / 100);
        int size = FidesQuery.positive(query, "size", 50, 100);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", store.page(page, size).stream().map(StorageEndpoints::view).toList());
        answer.put("total", store.count());
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public String get(String key) {
        return json.write(view(store.find(key).orElseThrow(() -> unknown(key))));
    }

    /** DELETE: 204; a destination an access rule still writes to cannot go (fidesops would fail on its foreign key). */
    public void delete(String key) {
        store.find(key).orElseThrow(() -> unknown(key));
        if (store.inUse(key)) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Storage config with key " + key
                    + " is the storage destination of an access rule; change or delete the rule first.");
        }
        store.delete(key);
    }

    /** PUT .../secret?verify=: an s3 destination's keys; with verify (the default) they must open its bucket. */
    public String putSecrets(String key, Object body, String rawQuery) {
        StorageConfig storage = store.find(key).orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN,
                "No storage configuration with key " + key + "."));
        boolean verify = FidesQuery.bool(FidesQuery.parse(rawQuery), "verify", true);
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        if (!storage.s3()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "`storage_type` StorageType." + storage.type()
                    + " has no supported `secrets` validation.");
        }
        List<String> errors = new ArrayList<>();
        for (String field : List.of("aws_access_key_id", "aws_secret_access_key")) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                errors.add("field required ('" + field + "',)");
            } else if (!value.isTextual()) {
                errors.add("str type expected ('" + field + "',)");
            } else if (value.asText().length() > MAX_SECRET) {
                errors.add("ensure this value has at most " + MAX_SECRET + " characters ('" + field + "',)");
            }
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("aws_access_key_id", "aws_secret_access_key").contains(name)) {
                errors.add("extra fields not permitted ('" + name + "',)");
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, errors.get(0), Map.of("errors", errors), List.of());
        }
        store.putSecrets(key, new StorageConfig.S3Secrets(root.get("aws_access_key_id").asText(),
                root.get("aws_secret_access_key").asText()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("msg", "Secrets updated for StorageConfig with key: " + key + ".");
        answer.put("test_status", verify ? (s3.verify(store.find(key).orElseThrow()) ? "succeeded" : "failed") : null);
        answer.put("failure_reason", null);
        return json.write(answer);
    }

    public boolean exists(String key) {
        return store.exists(key);
    }

    private static ApiException unknown(String key) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No configuration with key " + key + ".");
    }

    /** fidesops' StorageDestination with its details validator and its JSON-only rule for local (and OneTrust). */
    private static void checkShape(JsonNode item, int index) {
        if (!item.isObject()) {
            throw ApiException.validation(List.of("body", index), "value is not a valid dict");
        }
        if (!item.hasNonNull("name")) {
            throw ApiException.validation(List.of("body", index, "name"), "field required");
        }
        if (!item.get("name").isTextual()) {
            throw ApiException.validation(List.of("body", index, "name"), "str type expected");
        }
        if (item.get("name").asText().length() > MAX_NAME) {
            throw ApiException.validation(List.of("body", index, "name"), "ensure this value has at most " + MAX_NAME + " characters");
        }
        if (!item.hasNonNull("type")) {
            throw ApiException.validation(List.of("body", index, "type"), "field required");
        }
        String type = item.get("type").asText();
        if (!item.get("type").isTextual() || !TYPES.contains(type)) {
            throw ApiException.validation(List.of("body", index, "type"), "value is not a valid enumeration member; permitted: "
                    + String.join(", ", TYPES.stream().map(t -> "'" + t + "'").toList()));
        }
        if (!item.hasNonNull("details")) {
            throw ApiException.validation(List.of("body", index, "details"), "field required");
        }
        List<String> detailErrors = detailErrors(type, item.get("details"), index);
        if (!detailErrors.isEmpty()) {
            throw ApiException.validation(List.of("body", index, "details"), pythonList(detailErrors));
        }
        if (item.hasNonNull("key") && (!item.get("key").isTextual() || !FidesDatasets.FIDES_KEY.matcher(item.get("key").asText())
                .matches())) {
            throw ApiException.validation(List.of("body", index, "key"),
                    "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.");
        }
        if (item.hasNonNull("key") && item.get("key").asText().length() > MAX_NAME) {
            throw ApiException.validation(List.of("body", index, "key"), "ensure this value has at most " + MAX_NAME + " characters");
        }
        if (item.hasNonNull("format") && (!item.get("format").isTextual() || !FORMATS.contains(item.get("format").asText()))) {
            throw ApiException.validation(List.of("body", index, "format"),
                    "value is not a valid enumeration member; permitted: 'json', 'csv'");
        }
        if ((type.equals("local") || type.equals("onetrust")) && item.hasNonNull("format")
                && !item.get("format").asText().equals("json")) {
            throw ApiException.validation(List.of("body", index, "__root__"),
                    "Only JSON upload format is supported for OneTrust and local storage destinations.");
        }
    }

    /** The errors fidesops' details schema for this type finds, each as "msg ('field',)". */
    private static List<String> detailErrors(String type, JsonNode details, int index) {
        List<String> errors = new ArrayList<>();
        if (!details.isObject()) {
            errors.add("value is not a valid dict ('__root__',)");
            return errors;
        }
        Map<String, String> fields = switch (type) {
            case "s3" -> Map.of("auth_method", "enum", "bucket", "bucket", "object_name", "object", "naming", "str",
                    "max_retries", "int");
            case "local" -> Map.of("naming", "str");
            case "onetrust" -> Map.of("service_name", "str", "onetrust_polling_hr", "int", "onetrust_polling_day_of_week", "int");
            default -> null;
        };
        if (fields == null) {
            throw ApiException.validation(List.of("body", index, "details"), "`storage_type` " + type
                    + " has no supported `details` validation.");
        }
        List<String> required = switch (type) {
            case "s3" -> List.of("auth_method", "bucket", "object_name");
            case "onetrust" -> List.of("service_name", "onetrust_polling_hr", "onetrust_polling_day_of_week");
            default -> List.of();
        };
        for (String field : List.of("auth_method", "bucket", "object_name", "naming", "max_retries", "service_name",
                "onetrust_polling_hr", "onetrust_polling_day_of_week")) {
            if (!fields.containsKey(field)) {
                continue;
            }
            JsonNode value = details.get(field);
            if (value == null || value.isNull()) {
                if (required.contains(field)) {
                    errors.add("field required ('" + field + "',)");
                }
                continue;
            }
            String problem = switch (fields.get(field)) {
                case "enum" -> List.of("automatic", "secret_keys").contains(value.asText()) && value.isTextual() ? null
                        : "value is not a valid enumeration member; permitted: 'automatic', 'secret_keys'";
                case "bucket" -> value.isTextual() && BUCKET.matcher(value.asText()).matches() && !value.asText().contains("..") ? null
                        : "bucket must be an S3 bucket name: 3 to 255 letters, digits, dots, hyphens and underscores";
                case "object" -> !value.isTextual() ? "str type expected" : value.asText().length() > MAX_OBJECT_NAME
                        ? "ensure this value has at most " + MAX_OBJECT_NAME + " characters"
                        : value.asText().chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? "object_name must not hold control characters"
                        : null;
                case "int" -> !value.isIntegralNumber() || !value.canConvertToInt() ? "value is not a valid integer"
                        : field.equals("max_retries") && (value.asInt() < 0 || value.asInt() > MAX_RETRIES)
                        ? "ensure this value is from 0 to " + MAX_RETRIES : null;
                default -> !value.isTextual() ? "str type expected" : value.asText().length() > MAX_NAME
                        ? "ensure this value has at most " + MAX_NAME + " characters" : null;
            };
            if (problem != null) {
                errors.add(problem + " ('" + field + "',)");
            }
        }
        for (Iterator<String> names = details.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.containsKey(name)) {
                errors.add("extra fields not permitted ('" + name + "',)");
            }
        }
        return errors;
    }

    /** How Python prints a list of these messages (they hold single quotes, so each is in double quotes). */
    private static String pythonList(List<String> messages) {
        return "[" + String.join(", ", messages.stream().map(m -> "\"" + m + "\"").toList()) + "]";
    }

    static Map<String, Object> view(StorageConfig storage) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", storage.name());
        view.put("type", storage.type());
        view.put("details", storage.details());
        view.put("key", storage.key());
        view.put("format", storage.format());
        return view;
    }
}
