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

    static final String KIND = "email_erasure_fulfillment";
    /** The request's results key listing the datasets whose email went out: a retry never mails them again. */
    static final String SENT = "erasure_emails";

    private final Json json;
    private final ConnectionStore connections;
    private final PolicyStore policies;
    private final Taxonomy taxonomy;
    private final java.util.function.BooleanSupplier validEmailConfig;

    /** @param validEmailConfig whether mail can reach a real mailbox: without, fidesops fails the erasure emails */
    public ErasureFulfillment(Json json, ConnectionStore connections, PolicyStore policies, Taxonomy taxonomy,
                              java.util.function.BooleanSupplier validEmailConfig) {
        this.validEmailConfig = validEmailConfig;
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

    static String sentKey(String connector, String dataset) {
        return connector + ":" + dataset;
    }

    /**
     * The datasets of every enabled email connector with write access, in a stable order, but those
     * whose email this request already sent (a retry). A connector without a to_email is still listed:
     * its datasets fail, as fidesops fails them, and a retry after its secrets are put sends them.
     */
    public List<DatasetErasure> datasets(PrivacyRequest request) {
        List<String> categories = policies.find(request.policyKey()).orElseThrow().erasureCategories();
        Object sent = request.results().get(SENT);
        List<DatasetErasure> datasets = new ArrayList<>();
        for (EmailConnector connector : connections.all()) {
            if (!connector.writable()) {
                continue;
            }
            String toEmail = connector.secrets().map(EmailConnector.ConnectionSecrets::toEmail).orElse(null);
            connections.datasets(connector.key()).forEach((key, body) -> {
                if (!(sent instanceof List<?> list && list.contains(sentKey(connector.key(), key)))) {
                    datasets.add(new DatasetErasure(request.id(), request.language().orElse(null), connector.key(), toEmail, key,
                            json.readTree(body), request.identity(), categories));
                }
            });
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
        if (!validEmailConfig.getAsBoolean()) {
            throw new IllegalStateException("No email config exists, so the erasure email for dataset " + dataset.datasetKey()
                    + " could not be sent");
        }
        if (dataset.toEmail() == null || dataset.toEmail().isEmpty()) {
            throw new IllegalStateException("Email connector " + dataset.connector() + " has no to_email: "
                    + "PUT /api/v1/connection/" + dataset.connector() + "/secret, then retry the request");
        }
        List<Map<String, Object>> collections = new ArrayList<>();
        for (Instruction instruction : instructions) {
            Map<String, Object> collection = new LinkedHashMap<>();
            collection.put("name", instruction.collection());
            collection.put("locators", instruction.locators());
            collection.put("fields", instruction.fields());
            collections.add(collection);
        }
        return new Notice(dataset.requestId(), KIND, dataset.toEmail(), dataset.language(),
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
