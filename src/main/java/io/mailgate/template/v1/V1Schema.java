package io.mailgate.template.v1;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * A templates v1 schema: a type configuration, as Extra Horizon's TemplateTypeConfiguration —
 * {@code object} with {@code fields}, {@code array} with {@code type_configuration}, {@code string},
 * {@code number}, {@code boolean}, {@code object_id}, {@code date} — each with its validation
 * {@code options} ({@code [{"type":"max_size","value":10}]}):
 * <ul>
 * <li>string: {@code in}, {@code regex}, {@code min_size}, {@code max_size}, {@code size} (length in characters);</li>
 * <li>number: {@code in}, {@code min}, {@code max}, and {@code min_size}, {@code max_size}, {@code size} (digits);</li>
 * <li>array: {@code min_size}, {@code max_size}, {@code size} (elements);</li>
 * <li>object: {@code min_bytes}, {@code max_bytes} (its JSON in UTF-8);</li>
 * <li>date (epoch milliseconds or ISO 8601): {@code min}, {@code max} (epoch milliseconds).</li>
 * </ul>
 * Every declared field must be given (except {@code tracking_hash}, which the mail service supplies);
 * undeclared content is passed through.
 */
public record V1Schema(String type, Map<String, V1Schema> fields, V1Schema typeConfiguration, List<Option> options) {

    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "object", Set.of("min_bytes", "max_bytes"),
            "array", Set.of("min_size", "max_size", "size"),
            "string", Set.of("in", "regex", "min_size", "max_size", "size"),
            "number", Set.of("in", "min", "max", "min_size", "max_size", "size"),
            "boolean", Set.of(),
            "object_id", Set.of(),
            "date", Set.of("min", "max"));
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-fA-F]{24}");
    private static final int MAX_DEPTH = 8;
    private static final int MAX_OPTIONS = 20;
    private static final int MAX_IN = 1000;
    private static final int MAX_REGEX = 500;
    private static final int MAX_NAME = 100;
    private static final long REGEX_BUDGET = 1_000_000;
    static final String TRACKING_HASH = "tracking_hash";

    public V1Schema {
        fields = fields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        options = List.copyOf(options);
    }

    /** One validation option; a {@code regex} is compiled once. */
    public record Option(String type, JsonNode value, Pattern regex) {
    }

    /** Reads a template's {@code schema}: an object configuration at the top. */
    public static V1Schema parseRoot(JsonNode node) {
        V1Schema schema = parse(node, "schema", 0);
        if (!schema.type.equals("object")) {
            throw ApiException.fieldFormat("schema", "schema.type must be object");
        }
        return schema;
    }

    private static V1Schema parse(JsonNode node, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw ApiException.fieldFormat(path, "A schema nests at most " + MAX_DEPTH + " levels deep");
        }
        if (node == null || !node.isObject() || !node.path("type").isTextual() || !OPTIONS.containsKey(node.get("type").asText())) {
            throw ApiException.fieldFormat(path, path + " must be a type configuration: {\"type\": object, array, string, number, "
                    + "boolean, object_id or date}");
        }
        String type = node.get("type").asText();
        Set<String> allowed = switch (type) {
            case "object" -> Set.of("type", "fields", "options");
            case "array" -> Set.of("type", "type_configuration", "options");
            case "boolean", "object_id" -> Set.of("type");
            default -> Set.of("type", "options");
        };
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ApiException(ErrorCode.BODY_FORMAT, "Unknown field " + path + "." + name,
                        Map.of("field", path + "." + name), List.of("body", path + "." + name));
            }
        }
        Map<String, V1Schema> fields = new LinkedHashMap<>();
        if (type.equals("object") && node.has("fields")) {
            JsonNode declared = node.get("fields");
            if (!declared.isObject()) {
                throw ApiException.fieldFormat(path + ".fields", path + ".fields must be an object of type configurations");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = declared.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().isBlank() || field.getKey().length() > MAX_NAME) {
                    throw ApiException.fieldFormat(path + ".fields", "Field names are 1 to " + MAX_NAME + " characters");
                }
                fields.put(field.getKey(), parse(field.getValue(), path + ".fields." + field.getKey(), depth + 1));
            }
        }
        V1Schema items = null;
        if (type.equals("array")) {
            if (!node.has("type_configuration")) {
                throw new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS, path + " needs a type_configuration",
                        Map.of("missingFields", List.of(path + ".type_configuration")), List.of("body", path + ".type_configuration"));
            }
            items = parse(node.get("type_configuration"), path + ".type_configuration", depth + 1);
        }
        return new V1Schema(type, fields, items, options(node.get("options"), type, path + ".options"));
    }

    private static List<Option> options(JsonNode node, String type, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_OPTIONS) {
            throw ApiException.fieldFormat(path, path + " must be an array of at most " + MAX_OPTIONS + " {\"type\",\"value\"}");
        }
        List<Option> options = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode option = node.get(i);
            String at = path + "[" + i + "]";
            if (!option.isObject() || !option.path("type").isTextual() || !option.has("value") || option.size() != 2) {
                throw ApiException.fieldFormat(at, at + " must be {\"type\",\"value\"}");
            }
            String name = option.get("type").asText();
            if (!OPTIONS.get(type).contains(name)) {
                throw ApiException.fieldFormat(at, "A " + type + " has no option " + name);
            }
            JsonNode value = option.get("value");
            boolean valid = switch (name) {
                case "in" -> value.isArray() && !value.isEmpty() && value.size() <= MAX_IN
                        && elements(value).stream().allMatch(type.equals("string") ? JsonNode::isTextual : JsonNode::isNumber);
                case "regex" -> value.isTextual() && value.asText().length() <= MAX_REGEX;
                case "min", "max" -> value.isNumber();
                default -> value.canConvertToInt() && value.asInt() >= 0;
            };
            if (!valid) {
                throw ApiException.fieldFormat(at + ".value", at + ".value is not a valid value for " + name);
            }
            Pattern regex = null;
            if (name.equals("regex")) {
                try {
                    regex = Pattern.compile(value.asText());
                } catch (PatternSyntaxException e) {
                    throw ApiException.fieldFormat(at + ".value", at + ".value is not a regular expression");
                }
            }
            options.add(new Option(name, value, regex));
        }
        return options;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.forEach(elements::add);
        return elements;
    }

    /** The configuration as the API shows it. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", type);
        if (type.equals("object")) {
            Map<String, Object> declared = new LinkedHashMap<>();
            fields.forEach((name, schema) -> declared.put(name, schema.view()));
            view.put("fields", declared);
        }
        if (typeConfiguration != null) {
            view.put("type_configuration", typeConfiguration.view());
        }
        if (!options.isEmpty()) {
            view.put("options", options.stream().map(o -> Map.of("type", o.type(), "value", o.value())).toList());
        }
        return view;
    }

    /** Checks a resolve's {@code content} against the schema: 1003 naming the first field that does not fit. */
    public void validateContent(JsonNode content) {
        fields.forEach((name, schema) -> {
            JsonNode value = content.get(name);
            if (!(name.equals(TRACKING_HASH) && (value == null || value.isNull()))) {
                schema.validate(value, name);
            }
        });
    }

    private void validate(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            throw filling(path, "Field " + path + " is missing");
        }
        boolean fits = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "object_id" -> value.isTextual() && OBJECT_ID.matcher(value.asText()).matches();
            default -> value.isNumber() || value.isTextual() && epochMillis(value.asText()) != null;
        };
        if (!fits) {
            throw filling(path, "Field " + path + " must be " + switch (type) {
                case "object_id" -> "an object_id (24 hexadecimal characters)";
                case "date" -> "a date (epoch milliseconds or ISO 8601)";
                case "object", "array" -> "an " + type;
                default -> "a " + type;
            });
        }
        for (Option option : options) {
            if (!satisfies(option, value)) {
                throw filling(path, "Field " + path + " does not satisfy its " + option.type() + " option");
            }
        }
        if (type.equals("object")) {
            fields.forEach((name, schema) -> schema.validate(value.get(name), path + "." + name));
        } else if (type.equals("array")) {
            for (int i = 0; i < value.size(); i++) {
                typeConfiguration.validate(value.get(i), path + "[" + i + "]");
            }
        }
    }

    private boolean satisfies(Option option, JsonNode value) {
        JsonNode limit = option.value();
        return switch (option.type()) {
            case "in" -> elements(limit).stream().anyMatch(allowed -> type.equals("number")
                    ? allowed.decimalValue().compareTo(value.decimalValue()) == 0 : allowed.asText().equals(value.asText()));
            case "regex" -> matches(option.regex(), value.asText());
            case "min" -> measure(value) >= limit.asDouble();
            case "max" -> measure(value) <= limit.asDouble();
            case "min_size" -> size(value) >= limit.asInt();
            case "max_size" -> size(value) <= limit.asInt();
            case "size" -> size(value) == limit.asInt();
            case "min_bytes" -> value.toString().getBytes(StandardCharsets.UTF_8).length >= limit.asInt();
            case "max_bytes" -> value.toString().getBytes(StandardCharsets.UTF_8).length <= limit.asInt();
            default -> true;
        };
    }

    /**
     * A client's regular expression runs on a budget of character reads: one that backtracks without
     * end (such as {@code ^(a+)+$}) fails the value instead of holding a thread.
     */
    private static boolean matches(Pattern regex, String value) {
        try {
            return regex.matcher(new Budgeted(value, REGEX_BUDGET)).find();
        } catch (IllegalStateException overBudget) {
            return false;
        }
    }

    private static final class Budgeted implements CharSequence {
        private final String text;
        private final long[] left;

        Budgeted(String text, long budget) {
            this(text, new long[] {budget});
        }

        private Budgeted(String text, long[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new IllegalStateException("regular expression over budget");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.substring(start, end), left);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private double measure(JsonNode value) {
        if (type.equals("date")) {
            return value.isNumber() ? value.asDouble() : epochMillis(value.asText());
        }
        return value.asDouble();
    }

    private static int size(JsonNode value) {
        if (value.isArray()) {
            return value.size();
        }
        if (value.isNumber()) {
            return value.decimalValue().abs().stripTrailingZeros().toPlainString().replace(".", "").length();
        }
        return value.asText().codePointCount(0, value.asText().length());
    }

    private static Long epochMillis(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                } catch (DateTimeParseException notDate) {
                    return null;
                }
            }
        }
    }

    private static ApiException filling(String path, String message) {
        return new ApiException(ErrorCode.TEMPLATE_FILLING, message, Map.of("field", path), List.of("body", "content", path));
    }
}
