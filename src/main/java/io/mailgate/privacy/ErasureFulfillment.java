package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Json;

/**
 * Erasure by email (API.md §6): for each dataset of each email connector with write access, every
 * collection is visited for its locators and the fields the erasure rules target; the erasure
 * instructions aggregator gathers them, and one email per dataset goes to the connector's to_email.
 */
public class ErasureFulfillment {

    private final Json json;
    private final ConnectionStore connections;
    private final PolicyStore policies;

    public ErasureFulfillment(Json json, ConnectionStore connections, PolicyStore policies) {
        this.json = json;
        this.connections = connections;
        this.policies = policies;
    }

    /** One dataset to erase from, with everything a visit of its collections needs. */
    public record DatasetErasure(String requestId, String language, String connector, String toEmail, String datasetKey,
                                 JsonNode dataset, Map<String, String> identity, List<String> categories) {
    }

    /** One collection of a dataset, to visit. */
    public record CollectionVisit(DatasetErasure dataset, JsonNode collection) {
    }

    /** What to ask of one collection: how to find the records, and which fields to erase (maybe none). */
    public record Instruction(DatasetErasure dataset, String collection, List<Map<String, String>> locators, List<String> fields) {
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

    /** Locators: identity values for identity fields, else the fields that reference another collection. */
    public Instruction visit(CollectionVisit visit) {
        List<Map<String, String>> identities = new ArrayList<>();
        List<Map<String, String>> references = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        walk(visit.collection().path("fields"), "", visit.dataset(), identities, references, fields);
        return new Instruction(visit.dataset(), visit.collection().path("name").asText(),
                identities.isEmpty() ? references : identities, fields);
    }

    /** The email for one dataset, or null when none of its collections has a field to erase. */
    public Notice notice(List<Instruction> instructions) {
        List<Instruction> toErase = instructions.stream().filter(i -> !i.fields().isEmpty()).toList();
        if (toErase.isEmpty()) {
            return null;
        }
        DatasetErasure dataset = toErase.get(0).dataset();
        List<Map<String, Object>> collections = new ArrayList<>();
        for (Instruction instruction : toErase) {
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

    private static void walk(JsonNode fields, String prefix, DatasetErasure dataset, List<Map<String, String>> identities,
                             List<Map<String, String>> references, List<String> toErase) {
        for (JsonNode field : fields) {
            String path = prefix + field.path("name").asText();
            JsonNode meta = field.path("fidesops_meta");
            if (meta.hasNonNull("identity")) {
                String value = dataset.identity().get(meta.get("identity").asText());
                if (value != null) {
                    identities.add(Map.of("field", path, "value", value));
                }
            }
            for (JsonNode reference : meta.path("references")) {
                references.add(Map.of("field", path, "value", "the " + reference.path("field").asText() + " of the matching "
                        + reference.path("dataset").asText() + " record"));
            }
            for (JsonNode category : field.path("data_categories")) {
                String value = category.asText();
                if (dataset.categories().stream().anyMatch(target -> value.equals(target) || value.startsWith(target + "."))) {
                    toErase.add(path);
                    break;
                }
            }
            if (field.has("fields")) {
                walk(field.get("fields"), path + ".", dataset, identities, references, toErase);
            }
        }
    }
}
