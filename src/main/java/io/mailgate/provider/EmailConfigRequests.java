package io.mailgate.provider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.mail.Headers;
import io.mailgate.platform.Json;

/**
 * Reads and checks email config bodies (API.md §4). Schema problems are fidesops 422s naming the
 * field; the answer always carries every detail with its default filled in.
 */
public class EmailConfigRequests {

    static final Pattern KEY = Pattern.compile("^[a-zA-Z0-9_.-]+$");
    private static final Set<String> FIELDS = Set.of("key", "name", "service_type", "details", "priority", "enabled", "rate_limit");
    private static final int DEFAULT_PRIORITY = 100;

    private final Json json;

    public EmailConfigRequests(Json json) {
        this.json = json;
    }

    public EmailConfigDraft parse(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid(List.of("body", name), "extra fields not permitted");
            }
        }
        String name = requiredText(root, "name");
        if (name.isBlank() || name.length() > 255 || Headers.hasControlCharacters(name)) {
            throw invalid(List.of("body", "name"), "name must have 1 to 255 characters");
        }
        String key = root.hasNonNull("key") ? requiredText(root, "key") : FidesKeys.fromName(name);
        if (key.length() > 255 || !KEY.matcher(key).matches()) {
            throw invalid(List.of("body", "key"), "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.");
        }
        String typeName = requiredText(root, "service_type");
        ProviderType type = ProviderTypes.of(typeName.toLowerCase(Locale.ROOT)).orElseThrow(() -> invalid(
                List.of("body", "service_type"), "value is not a valid enumeration member; permitted: " + ProviderTypes.all().stream()
                        .map(t -> "'" + t.serviceType() + "'").collect(java.util.stream.Collectors.joining(", "))));
        JsonNode details = root.get("details");
        if (details == null || !details.isObject()) {
            throw invalid(List.of("body", "details"), details == null ? "field required" : "value is not a valid dict");
        }
        int priority = optionalInt(root, "priority", DEFAULT_PRIORITY, 0, 1_000_000);
        boolean enabled = !root.hasNonNull("enabled") || bool(root, "enabled");
        Optional<Integer> rateLimit = root.hasNonNull("rate_limit")
                ? Optional.of(optionalInt(root, "rate_limit", 0, 1, 100_000)) : Optional.empty();
        return new EmailConfigDraft(key, name, type, type.details(new ConfigDetails(details)), priority, enabled, rateLimit);
    }

    /** The secrets of PUT .../secret, checked like fidesops: 400 with a list of what is wrong. */
    public Map<String, String> secrets(ProviderType type, Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        List<String> errors = new ArrayList<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String field : type.secretFields()) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                errors.add("field required ('" + field + "',)");
            } else {
                secret(field, value, secrets, errors);
            }
        }
        for (String field : type.optionalSecretFields()) {
            JsonNode value = root.get(field);
            if (value != null && !value.isNull()) {
                secret(field, value, secrets, errors);
            }
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!type.secretFields().contains(name) && !type.optionalSecretFields().contains(name)) {
                errors.add("extra fields not permitted ('" + name + "',)");
            }
        }
        if (type.secretFields().isEmpty()) {
            errors.add("a " + type.serviceType() + " config has no secrets");
        }
        if (!errors.isEmpty()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, String.join("; ", errors), Map.of("errors", errors), List.of());
        }
        return secrets;
    }

    private static void secret(String field, JsonNode value, Map<String, String> secrets, List<String> errors) {
        if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 4096) {
            errors.add("str type expected ('" + field + "',)");
        } else {
            secrets.put(field, value.asText());
        }
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw invalid(List.of("body", field), "field required");
        }
        if (!value.isTextual()) {
            throw invalid(List.of("body", field), "str type expected");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode root, String field) {
        if (!root.get(field).isBoolean()) {
            throw invalid(List.of("body", field), "value could not be parsed to a boolean");
        }
        return root.get(field).asBoolean();
    }

    private static int optionalInt(JsonNode root, String field, int fallback, int min, int max) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw invalid(List.of("body", field), field + " must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    static ApiException invalid(List<String> location, String message) {
        return ApiException.validation(location, message);
    }
}
