package io.mailgate.privacy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What Mailgate asks of an email connector's dataset beyond fidesops' schema (API.md §5): a primary
 * key in every collection — the erasure email locates records by it — and every collection reachable
 * from an identity field, or through references, from a collection that refers to another dataset
 * (whose records the third party finds through that link). Returns the first problem, naming the
 * collection, or null. The schema itself is {@link FidesDatasets}' to check, before this.
 */
public class DatasetRules {

    public String problem(JsonNode dataset) {
        String key = dataset.path("fides_key").asText();
        Map<String, List<String>> edges = new HashMap<>();
        Set<String> seeds = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (JsonNode collection : dataset.path("collections")) {
            String name = collection.path("name").asText();
            names.add(name);
            Walk walk = new Walk();
            walk.fields(collection.path("fields"));
            if (!walk.primaryKey) {
                return "Collection " + name + " has no primary key: mark a field with fidesops_meta.primary_key";
            }
            if (walk.identity || walk.references.stream().anyMatch(target -> !target.startsWith(key + "."))) {
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
    private static final class Walk {
        boolean primaryKey;
        boolean identity;
        final List<String> references = new ArrayList<>();

        void fields(JsonNode fields) {
            for (JsonNode field : fields) {
                JsonNode meta = field.path("fidesops_meta");
                primaryKey |= meta.path("primary_key").asBoolean(false);
                identity |= meta.hasNonNull("identity");
                for (JsonNode reference : meta.path("references")) {
                    references.add(reference.path("dataset").asText() + "." + reference.path("field").asText());
                }
                if (field.has("fields") && field.get("fields").isArray()) {
                    fields(field.get("fields"));
                }
            }
        }
    }
}
