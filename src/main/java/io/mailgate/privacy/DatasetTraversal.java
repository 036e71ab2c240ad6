package io.mailgate.privacy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * fidesops' traversal check of one dataset on its own (PUT .../validate_dataset): every reference must
 * point at a collection of the dataset ("Referred to object ds:collection:field does not exist"), and
 * every collection must be reachable from a collection with an identity field ("Some nodes were not
 * reachable: ds:collection,…"). References are followed both ways.
 */
final class DatasetTraversal {

    private DatasetTraversal() {
    }

    /** Null when traversable, else fidesops' message saying why not. */
    static String problem(JsonNode dataset) {
        String key = dataset.path("fides_key").asText();
        Set<String> collections = new HashSet<>();
        dataset.path("collections").forEach(c -> collections.add(c.path("name").asText()));
        Map<String, List<String>> edges = new HashMap<>();
        Set<String> seeds = new HashSet<>();
        for (JsonNode collection : dataset.path("collections")) {
            String name = collection.path("name").asText();
            List<String[]> references = new ArrayList<>();
            boolean identity = walk(collection.path("fields"), references);
            if (identity) {
                seeds.add(name);
            }
            for (String[] reference : references) {
                String target = reference[1];
                int dot = target.indexOf('.');
                String targetCollection = dot < 0 ? target : target.substring(0, dot);
                if (!reference[0].equals(key) || !collections.contains(targetCollection)) {
                    return "Referred to object " + reference[0] + ":" + targetCollection + ":"
                            + (dot < 0 ? "" : target.substring(dot + 1)) + " does not exist";
                }
                edges.computeIfAbsent(name, k -> new ArrayList<>()).add(targetCollection);
                edges.computeIfAbsent(targetCollection, k -> new ArrayList<>()).add(name);
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
        Set<String> unreachable = new TreeSet<>();
        for (String name : collections) {
            if (!reached.contains(name)) {
                unreachable.add(key + ":" + name);
            }
        }
        return unreachable.isEmpty() ? null : "Some nodes were not reachable: " + String.join(",", unreachable);
    }

    /** Collects {dataset, collection.field} references; answers whether a field is an identity. */
    private static boolean walk(JsonNode fields, List<String[]> references) {
        boolean identity = false;
        for (JsonNode field : fields) {
            JsonNode meta = field.path("fidesops_meta");
            identity |= meta.hasNonNull("identity");
            for (JsonNode reference : meta.path("references")) {
                references.add(new String[] {reference.path("dataset").asText(), reference.path("field").asText()});
            }
            if (field.has("fields")) {
                identity |= walk(field.get("fields"), references);
            }
        }
        return identity;
    }
}
