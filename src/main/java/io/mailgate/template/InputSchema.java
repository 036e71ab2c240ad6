package io.mailgate.template;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * The declared type of a template v2 input: Extra Horizon's subset of JSON Schema, {@code type} plus
 * {@code properties} for an object and {@code items} for an array, nested as deep as needed.
 *
 * <p>Every declared input must be given, at every depth (a missing or null one is a 1003 naming its
 * path), except {@code tracking_hash}, which the mail service supplies when it sends: a preview
 * {@code resolve} works without it. Inputs that are not declared are passed through unchecked.
 */
public record InputSchema(InputType type, Map<String, InputSchema> properties, InputSchema items) {

    /** Supplied by the mail service on send (open tracking), so never required of a caller. */
    public static final String TRACKING_HASH = "tracking_hash";
    private static final int MAX_DEPTH = 8;
    private static final int MAX_DECLARED = 500;
    private static final int MAX_NAME = 100;

    public InputSchema {
        properties = properties == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public static InputSchema of(InputType type) {
        return new InputSchema(type, Map.of(), null);
    }

    /** Reads {@code inputs} as a template declares it, refusing what is not a declaration (15, naming the path). */
    public static Map<String, InputSchema> parseAll(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.fieldFormat("inputs", "inputs must be an object such as {\"first_name\":{\"type\":\"string\"}}");
        }
        int[] declared = {0};
        return parseProperties(node, "inputs", 0, declared);
    }

    /** Reads inputs as stored: today's declarations, or the {"name":"type"} of templates stored before. */
    public static Map<String, InputSchema> readStored(JsonNode node) {
        Map<String, InputSchema> inputs = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> inputs.put(field.getKey(), field.getValue().isTextual()
                ? of(InputType.of(field.getValue().asText()).orElse(InputType.STRING))
                : parse(field.getValue(), "inputs." + field.getKey(), 0, new int[] {0})));
        return inputs;
    }

    private static Map<String, InputSchema> parseProperties(JsonNode node, String path, int depth, int[] declared) {
        Map<String, InputSchema> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            String name = property.getKey();
            String propertyPath = path + "." + name;
            if (name.isBlank() || name.length() > MAX_NAME) {
                throw ApiException.fieldFormat(path, "The names in " + path + " must be 1 to " + MAX_NAME + " characters");
            }
            if (++declared[0] > MAX_DECLARED) {
                throw ApiException.fieldFormat("inputs", "A template declares at most " + MAX_DECLARED + " inputs");
            }
            properties.put(name, parse(property.getValue(), propertyPath, depth + 1, declared));
        }
        return properties;
    }

    private static InputSchema parse(JsonNode declaration, String path, int depth, int[] declared) {
        if (depth > MAX_DEPTH) {
            throw ApiException.fieldFormat(path, "Inputs nest at most " + MAX_DEPTH + " levels deep");
        }
        if (!declaration.isObject() || !declaration.path("type").isTextual()) {
            throw ApiException.fieldFormat(path, path + " must be an object with a type, such as {\"type\":\"string\"}");
        }
        InputType type = InputType.of(declaration.get("type").asText()).orElseThrow(() -> ApiException.fieldFormat(path,
                path + ".type must be string, number, boolean, object or array"));
        Set<String> allowed = switch (type) {
            case OBJECT -> Set.of("type", "properties");
            case ARRAY -> Set.of("type", "items");
            default -> Set.of("type");
        };
        for (Iterator<String> names = declaration.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!allowed.contains(field)) {
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + path + "." + field
                        + (field.equals("fields") || field.equals("type_configuration") || field.equals("options")
                        ? " (a templates v1 schema keyword: v2 uses properties, items and no options)" : ""),
                        Map.of("field", path + "." + field), List.of("body", path + "." + field));
            }
        }
        Map<String, InputSchema> properties = Map.of();
        InputSchema items = null;
        if (type == InputType.OBJECT && declaration.has("properties")) {
            JsonNode node = declaration.get("properties");
            if (!node.isObject()) {
                throw ApiException.fieldFormat(path + ".properties", path + ".properties must be an object of declarations");
            }
            properties = parseProperties(node, path + ".properties", depth, declared);
        }
        if (type == InputType.ARRAY && declaration.has("items")) {
            items = parse(declaration.get("items"), path + ".items", depth + 1, declared);
        }
        return new InputSchema(type, properties, items);
    }

    /** The declaration as a template shows it: {"type":…,"properties":{…}} or {"type":…,"items":{…}}. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", type.wire());
        if (type == InputType.OBJECT && !properties.isEmpty()) {
            view.put("properties", views(properties));
        }
        if (items != null) {
            view.put("items", items.view());
        }
        return view;
    }

    public static Map<String, Object> views(Map<String, InputSchema> inputs) {
        Map<String, Object> views = new LinkedHashMap<>();
        inputs.forEach((name, schema) -> views.put(name, schema.view()));
        return views;
    }

    /** Checks given inputs against the declarations: 1003 naming the first input that is missing or of the wrong type. */
    public static void validateAll(Map<String, InputSchema> declared, JsonNode inputs) {
        for (Map.Entry<String, InputSchema> input : declared.entrySet()) {
            JsonNode value = inputs.get(input.getKey());
            if ((value == null || value.isNull()) && input.getKey().equals(TRACKING_HASH)) {
                continue;
            }
            input.getValue().validate(value, input.getKey());
        }
    }

    private void validate(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            throw filling(path, "Input " + path + " is missing");
        }
        if (!type.accepts(value)) {
            throw filling(path, "Input " + path + " must be " + (type == InputType.ARRAY || type == InputType.OBJECT ? "an " : "a ")
                    + type.wire());
        }
        if (type == InputType.OBJECT) {
            properties.forEach((name, schema) -> schema.validate(value.get(name), path + "." + name));
        } else if (type == InputType.ARRAY && items != null) {
            for (int i = 0; i < value.size(); i++) {
                items.validate(value.get(i), path + "[" + i + "]");
            }
        }
    }

    private static ApiException filling(String path, String message) {
        return new ApiException(ErrorCode.TEMPLATE_FILLING, message, Map.of("input", path), List.of("body", "inputs", path));
    }
}
