package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;

/**
 * The shape fidesops 1.8.2 requires of a dataset (its FidesopsDataset model): a fides_key, collections
 * with named fields, data categories of the taxonomy, and fidesops_meta annotations of the right types
 * (references with a direction of from or to, a supported data_type, a positive length, sub-fields only
 * on objects, no categories on an object field). A dataset that breaks it is a 422 naming the place as
 * fidesops does ({@code ["body", "collections", 0, "fields", 0, "data_categories"]}), with its message.
 */
final class FidesDatasets {

    static final Pattern FIDES_KEY = Pattern.compile("^[a-zA-Z0-9_.-]+$");
    private static final Set<String> DATA_TYPES = Set.of("string", "integer", "float", "boolean", "object_id", "object",
            "no_op");
    private static final int MAX_TEXT = 2000;
    private static final int MAX_KEY = 255;
    private static final int MAX_DEPTH = 10;

    private final Taxonomy taxonomy;

    FidesDatasets(Taxonomy taxonomy) {
        this.taxonomy = taxonomy;
    }

    /** Checks a dataset, refusing it with a 422 at {@code prefix + place}. */
    void check(JsonNode dataset, List<Object> prefix) {
        if (!dataset.isObject()) {
            throw at(prefix, "value is not a valid dict");
        }
        key(dataset, "fides_key", prefix);
        text(dataset, "name", prefix);
        text(dataset, "description", prefix);
        categories(dataset, prefix);
        JsonNode collections = dataset.get("collections");
        if (collections == null || collections.isNull()) {
            throw at(path(prefix, "collections"), "field required");
        }
        if (!collections.isArray()) {
            throw at(path(prefix, "collections"), "value is not a valid list");
        }
        for (int c = 0; c < collections.size(); c++) {
            List<Object> place = path(prefix, "collections", c);
            JsonNode collection = collections.get(c);
            if (!collection.isObject()) {
                throw at(place, "value is not a valid dict");
            }
            key(collection, "name", place);
            categories(collection, place);
            JsonNode fields = collection.get("fields");
            if (fields == null || fields.isNull()) {
                throw at(path(place, "fields"), "field required");
            }
            fields(fields, path(place, "fields"), 0);
        }
    }

    private void fields(JsonNode fields, List<Object> place, int depth) {
        if (!fields.isArray()) {
            throw at(place, "value is not a valid list");
        }
        if (depth > MAX_DEPTH) {
            throw at(place, "fields nest at most " + MAX_DEPTH + " levels deep");
        }
        for (int f = 0; f < fields.size(); f++) {
            List<Object> at = path(place, f);
            JsonNode field = fields.get(f);
            if (!field.isObject()) {
                throw at(at, "value is not a valid dict");
            }
            if (!field.path("name").isTextual()) {
                throw at(path(at, "name"), field.has("name") ? "str type expected" : "field required");
            }
            if (field.get("name").asText().length() > MAX_KEY) {
                throw at(path(at, "name"), "ensure this value has at most " + MAX_KEY + " characters");
            }
            text(field, "description", at);
            categories(field, at);
            String dataType = meta(field.get("fidesops_meta"), path(at, "fidesops_meta"));
            JsonNode sub = field.get("fields");
            boolean hasSub = sub != null && !sub.isNull() && (!sub.isArray() || !sub.isEmpty());
            if (hasSub && dataType != null && !baseType(dataType).equals("object")) {
                throw at(path(at, "fields"), "The data type " + baseType(dataType) + " is not compatible with specified sub-fields.");
            }
            if ((hasSub || "object".equals(dataType)) && field.path("data_categories").isArray()
                    && !field.get("data_categories").isEmpty()) {
                throw at(path(at, "fields"), "Object fields cannot have specified data_categories. Specify category on sub-field "
                        + "instead");
            }
            if (sub != null && !sub.isNull()) {
                fields(sub, path(at, "fields"), depth + 1);
            }
        }
    }

    /** Checks fidesops_meta; answers its data_type, if any. */
    private String meta(JsonNode meta, List<Object> place) {
        if (meta == null || meta.isNull()) {
            return null;
        }
        if (!meta.isObject()) {
            throw at(place, "value is not a valid dict");
        }
        JsonNode references = meta.get("references");
        if (references != null && !references.isNull()) {
            if (!references.isArray()) {
                throw at(path(place, "references"), "value is not a valid list");
            }
            for (int r = 0; r < references.size(); r++) {
                List<Object> at = path(place, "references", r);
                JsonNode reference = references.get(r);
                if (!reference.isObject()) {
                    throw at(at, "value is not a valid dict");
                }
                key(reference, "dataset", at);
                if (!reference.path("field").isTextual()) {
                    throw at(path(at, "field"), reference.has("field") ? "str type expected" : "field required");
                }
                JsonNode direction = reference.get("direction");
                if (direction != null && !direction.isNull()
                        && !(direction.isTextual() && Set.of("from", "to").contains(direction.asText()))) {
                    throw at(path(at, "direction"), "value is not a valid enumeration member; permitted: 'from', 'to'");
                }
            }
        }
        for (String flag : List.of("primary_key", "return_all_elements", "read_only")) {
            if (meta.has(flag) && !meta.get(flag).isNull() && !meta.get(flag).isBoolean()) {
                throw at(path(place, flag), "value could not be parsed to a boolean");
            }
        }
        if (meta.has("identity") && !meta.get("identity").isNull() && !meta.get("identity").isTextual()) {
            throw at(path(place, "identity"), "str type expected");
        }
        String dataType = null;
        if (meta.hasNonNull("data_type")) {
            dataType = meta.get("data_type").asText();
            if (!meta.get("data_type").isTextual() || !DATA_TYPES.contains(baseType(dataType))) {
                throw at(path(place, "data_type"), "The data type " + dataType + " is not supported.");
            }
        }
        if (meta.hasNonNull("length")) {
            JsonNode length = meta.get("length");
            if (!length.canConvertToInt()) {
                throw at(path(place, "length"), "value is not a valid integer");
            }
            if (length.asInt() <= 0) {
                throw at(path(place, "length"), "Illegal length (" + length.asInt() + "). Only positive non-zero values are allowed.");
            }
        }
        if (meta.hasNonNull("return_all_elements") && (dataType == null || !dataType.endsWith("[]"))) {
            throw at(place, "The 'return_all_elements' attribute can only be specified on array fields.");
        }
        return dataType;
    }

    private void categories(JsonNode node, List<Object> place) {
        JsonNode categories = node.get("data_categories");
        if (categories == null || categories.isNull()) {
            return;
        }
        if (!categories.isArray()) {
            throw at(path(place, "data_categories"), "value is not a valid list");
        }
        for (JsonNode category : categories) {
            if (!category.isTextual() || !taxonomy.contains(category.asText())) {
                throw at(path(place, "data_categories"), "The data category " + category.asText() + " is not supported.");
            }
        }
    }

    private static void key(JsonNode node, String name, List<Object> place) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw at(path(place, name), "field required");
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw at(path(place, name), "str type expected");
        }
        if (!FIDES_KEY.matcher(value.asText()).matches()) {
            throw at(path(place, name), "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.");
        }
        if (value.asText().length() > MAX_KEY) {
            throw at(path(place, name), "ensure this value has at most " + MAX_KEY + " characters");
        }
    }

    private static void text(JsonNode node, String name, List<Object> place) {
        JsonNode value = node.get(name);
        if (value != null && !value.isNull() && (!value.isTextual() || value.asText().length() > MAX_TEXT)) {
            throw at(path(place, name), value.isTextual() ? "ensure this value has at most " + MAX_TEXT + " characters"
                    : "str type expected");
        }
    }

    private static String baseType(String dataType) {
        int array = dataType.indexOf("[]");
        return array < 0 ? dataType : dataType.substring(0, array);
    }

    static List<Object> path(List<Object> prefix, Object... more) {
        List<Object> path = new ArrayList<>(prefix);
        path.addAll(List.of(more));
        return path;
    }

    private static ApiException at(List<Object> place, String message) {
        return ApiException.validation(place, message);
    }
}
