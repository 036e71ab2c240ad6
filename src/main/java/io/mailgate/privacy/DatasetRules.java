package io.mailgate.privacy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a fidesops dataset for an email connector: known data categories, a primary key in every
 * collection, and every collection reachable from an identity field or through references.
 * Returns the first problem, naming the collection, or null.
 */
public class DatasetRules {

    static final Pattern FIDES_KEY = Pattern.compile("^[a-zA-Z0-9_.-]+$");

    private final Taxonomy taxonomy;

    public DatasetRules(Taxonomy taxonomy) {
        this.taxonomy = taxonomy;
    }

    public String problem(JsonNode dataset) {
        if (!dataset.isObject()) {
            return "A dataset must be an object";
        }
        String key = dataset.path("fides_key").asText("");
        if (!FIDES_KEY.matcher(key).matches()) {
            return "fides_key must only contain alphanumeric characters, '.', '_' or '-'";
        }
        JsonNode collections = dataset.path("collections");
        if (!collections.isArray() || collections.isEmpty()) {
            return "Dataset " + key + " needs at least one collection";
        }
        Map<String, List<String>> edges = new HashMap<>();
        Set<String> seeds = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (JsonNode collection : collections) {
            String name = collection.path("name").asText("");
            if (name.isEmpty()) {
                return "Every collection of dataset " + key + " needs a name";
            }
            names.add(name);
            JsonNode fields = collection.path("fields");
            if (!fields.isArray() || fields.isEmpty()) {
                return "Collection " + name + " has no fields";
            }
            Walk walk = new Walk();
            String fieldProblem = walk.fields(fields, "");
            if (fieldProblem != null) {
                return "Collection " + name + ": " + fieldProblem;
            }
            if (!walk.primaryKey) {
                return "Collection " + name + " has no primary key: mark a field with fidesops_meta.primary_key";
            }
            if (walk.identity) {
                seeds.add(key + "." + name);
            }
            for (String target : walk.references) {
                String referenced = target.contains(".") ? target.substring(0, target.lastIndexOf('.')) : target;
                edges.computeIfAbsent(key + "." + name, k -> new ArrayList<>()).add(referenced);
                edges.computeIfAbsent(referenced, k -> new ArrayList<>()).add(key + "." + name);
            }
        }
        Set<String> reached = new HashSet<>(seeds);
        Deque<String> queue = new ArrayDeque<>(seeds);
        while (!queue.isEmpty()) {
            for (String next : edges.getOrDefault(queue.poll(), List.of())) {
                if (reached.add(next)) {
                    queue.add(next);
                }
            }
        }
        for (String name : names) {
            if (!reached.contains(key + "." + name)) {
                return "Collection " + name + " is not reachable from an identity field or a reference";
            }
        }
        return null;
    }

    /** Walks fields and their nested fields. */
    private final class Walk {
        boolean primaryKey;
        boolean identity;
        final List<String> references = new ArrayList<>();

        String fields(JsonNode fields, String prefix) {
            for (JsonNode field : fields) {
                String name = field.path("name").asText("");
                if (name.isEmpty()) {
                    return "every field needs a name";
                }
                for (JsonNode category : field.path("data_categories")) {
                    if (!category.isTextual() || !taxonomy.contains(category.asText())) {
                        return "field " + prefix + name + " has an unknown data category " + category;
                    }
                }
                JsonNode meta = field.path("fidesops_meta");
                primaryKey |= meta.path("primary_key").asBoolean(false);
                identity |= meta.hasNonNull("identity");
                for (JsonNode reference : meta.path("references")) {
                    String dataset = reference.path("dataset").asText("");
                    String target = reference.path("field").asText("");
                    if (dataset.isEmpty() || !target.contains(".")) {
                        return "field " + prefix + name + " has a reference without dataset and collection.field";
                    }
                    String direction = reference.path("direction").asText("from");
                    if (!direction.equals("from") && !direction.equals("to")) {
                        return "field " + prefix + name + " has a reference direction other than from or to";
                    }
                    references.add(dataset + "." + target);
                }
                if (field.has("fields")) {
                    String nested = fields(field.get("fields"), prefix + name + ".");
                    if (nested != null) {
                        return nested;
                    }
                }
            }
            return null;
        }
    }
}
