package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Json;

/**
 * Erasure by email (API.md §6), as fidesops' email connector does it: for each dataset of each email
 * connector with write access, every collection is visited for its locators (the subject's identity
 * values, and for a collection reached through a reference the referring field as
 * {@code dataset:collection:field}) and the fields the erasure rules target; the erasure instructions
 * aggregator gathers them, and one email per dataset lists every collection — "no erasures needed"
 * where none is, since its locators may find records elsewhere — when at least one has a field to erase.
 */
public class ErasureFulfillment {

    private final Json json;
    private final ConnectionStore connections;
    private final PolicyStore policies;
    private final Taxonomy taxonomy;

    public ErasureFulfillment(Json json, ConnectionStore connections, PolicyStore policies, Taxonomy taxonomy) {
        this.json = json;
        this.connections = connections;
        this.policies = policies;
        this.taxonomy = taxonomy;
    }

    /** One dataset to erase from, with everything a visit of its collections needs. */
    public record DatasetErasure(String requestId, String language, String connector, String toEmail, String datasetKey,
                                 JsonNode dataset, Map<String, String> identity, List<String> categories) {
    }

    /** One collection of a dataset, to visit. */
    public record CollectionVisit(DatasetErasure dataset, JsonNode collection) {
    }

    /**
     * What to ask of one collection: how to find the records ({"field", "values"}), and which fields
     * to erase (maybe none).
     */
    public record Instruction(DatasetErasure dataset, String collection, List<Map<String, Object>> locators, List<String> fields) {
    }

    /** The datasets of every writable email connector that has a to_email, in a stable order. */
    public List<DatasetErasure> datasets(PrivacyRequest request) {
        List<String> categories = policies.find(request.policyKey()).orElseThrow().erasureCategories();
        List<DatasetErasure> datasets = new ArrayList<>();
        for (EmailConnector connector : connections.all()) {
            if (!connector.writable() || connector.secrets().isEmpty()) {
                continue;
            }
            connections.datasets(connector.key()).forEach((key, body) -> datasets.add(new DatasetErasure(request.id(),
                    request.language().orElse(null), connector.key(), connector.secrets().get().toEmail(), key,
                    json.readTree(body), request.identity(), categories)));
        }
        return datasets;
    }

    public List<CollectionVisit> collections(DatasetErasure dataset) {
        List<CollectionVisit> visits = new ArrayList<>();
        dataset.dataset().path("collections").forEach(collection -> visits.add(new CollectionVisit(dataset, collection)));
        return visits;
    }

    /** Locators: identity values for identity fields, and referring fields for referenced ones. */
    public Instruction visit(CollectionVisit visit) {
        Map<String, List<Object>> locators = new LinkedHashMap<>();
        List<String> fields = new ArrayList<>();
        walk(visit.collection().path("fields"), "", visit.dataset(), locators, fields);
        referredFrom(visit, locators);
        List<Map<String, Object>> located = new ArrayList<>();
        locators.forEach((field, values) -> located.add(Map.of("field", field, "values", values)));
        return new Instruction(visit.dataset(), visit.collection().path("name").asText(), located, fields);
    }

    /**
     * The email for one dataset, listing every collection, or null when none has a field to erase.
     */
    public Notice notice(List<Instruction> instructions) {
        if (instructions.isEmpty() || instructions.stream().allMatch(i -> i.fields().isEmpty())) {
            return null;
        }
        DatasetErasure dataset = instructions.get(0).dataset();
        List<Map<String, Object>> collections = new ArrayList<>();
        for (Instruction instruction : instructions) {
            Map<String, Object> collection = new LinkedHashMap<>();
            collection.put("name", instruction.collection());
            collection.put("locators", instruction.locators());
            collection.put("fields", instruction.fields());
            collections.add(collection);
        }
        return new Notice(dataset.requestId(), "email_erasure_fulfillment", dataset.toEmail(), dataset.language(),
                Map.of("collections", collections, "dataset", dataset.datasetKey(), "connector", dataset.connector()),
                "privacy:" + dataset.requestId() + ":erasure:" + dataset.connector() + ":" + dataset.datasetKey());
    }

    private void walk(JsonNode fields, String prefix, DatasetErasure dataset, Map<String, List<Object>> locators,
                      List<String> toErase) {
        for (JsonNode field : fields) {
            String path = prefix + field.path("name").asText();
            JsonNode meta = field.path("fidesops_meta");
            if (meta.hasNonNull("identity")) {
                String value = dataset.identity().get(meta.get("identity").asText());
                if (value != null) {
                    locators.computeIfAbsent(path, k -> new ArrayList<>()).add(value);
                }
            }
            for (JsonNode category : field.path("data_categories")) {
                String value = category.asText();
                if (dataset.categories().stream().anyMatch(target -> taxonomy.covers(target, value))) {
                    toErase.add(path);
                    break;
                }
            }
            if (field.has("fields")) {
                walk(field.get("fields"), path + ".", dataset, locators, toErase);
            }
        }
    }

    /**
     * Fields of other collections of the dataset that point at this one: they locate its records, as
     * {@code dataset:collection:field}. A reference is read both ways: a field "to" another collection,
     * or "from" it, names the edge between them.
     */
    private static void referredFrom(CollectionVisit visit, Map<String, List<Object>> locators) {
        String dataset = visit.dataset().datasetKey();
        String self = visit.collection().path("name").asText();
        for (JsonNode other : visit.dataset().dataset().path("collections")) {
            String otherName = other.path("name").asText();
            references(other.path("fields"), "", (field, reference) -> {
                String target = reference.path("field").asText();
                int dot = target.indexOf('.');
                if (dataset.equals(reference.path("dataset").asText()) && dot > 0 && target.substring(0, dot).equals(self)
                        && !otherName.equals(self)) {
                    locators.computeIfAbsent(target.substring(dot + 1), k -> new ArrayList<>())
                            .add(dataset + ":" + otherName + ":" + field);
                }
            });
            if (otherName.equals(self)) {
                references(other.path("fields"), "", (field, reference) -> {
                    String target = reference.path("field").asText();
                    if (dataset.equals(reference.path("dataset").asText()) && target.contains(".")) {
                        locators.computeIfAbsent(field, k -> new ArrayList<>())
                                .add(dataset + ":" + target.substring(0, target.indexOf('.')) + ":"
                                        + target.substring(target.indexOf('.') + 1));
                    }
                });
            }
        }
    }

    private static void references(JsonNode fields, String prefix, java.util.function.BiConsumer<String, JsonNode> each) {
        for (JsonNode field : fields) {
            String path = prefix + field.path("name").asText();
            for (JsonNode reference : field.path("fidesops_meta").path("references")) {
                each.accept(path, reference);
            }
            if (field.has("fields")) {
                references(field.get("fields"), path + ".", each);
            }
        }
    }

}
