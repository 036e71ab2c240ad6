package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;

/**
 * /api/v1/connection/{key}/dataset and /validate_dataset as fidesops 1.8.2 answers them: a dataset
 * that breaks fidesops' schema is a 422 for the whole request; one that passes it but breaks
 * Mailgate's rules for an email connector (a primary key, every collection reachable) is reported in
 * "failed" with the reason (API.md §5); validate_dataset also answers whether the dataset is
 * traversable on its own.
 */
public class DatasetEndpoints {

    private static final int MAX_BULK = 50;
    private static final String X_YAML = "application/x-yaml";
    private static final int MAX_YAML_CODE_POINTS = 10 * 1024 * 1024;

    private final Json json;
    private final ConnectionStore store;
    private final FidesDatasets schema;
    private final DatasetRules rules;

    public DatasetEndpoints(Json json, ConnectionStore store, FidesDatasets schema, DatasetRules rules) {
        this.json = json;
        this.store = store;
        this.schema = schema;
        this.rules = rules;
    }

    /** PATCH .../dataset: up to 50 datasets, each stored or failed with the reason, naming the collection. */
    public String patch(String key, Object body) {
        connector(key);
        JsonNode datasets = Bodies.json(json.mapper(), body);
        if (!datasets.isArray()) {
            throw ApiException.validation(List.of("body"), "value is not a valid list");
        }
        if (datasets.size() > MAX_BULK) {
            throw ApiException.validation(List.of("body"), "ensure this value has at most " + MAX_BULK + " items");
        }
        for (int i = 0; i < datasets.size(); i++) {
            schema.check(datasets.get(i), List.of("body", i));
        }
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode dataset : datasets) {
            String problem = rules.problem(dataset);
            if (problem != null) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("connection_key", key);
                data.put("fides_key", dataset.get("fides_key").asText());
                data.put("dataset", dataset);
                answer.failed(problem, data);
            } else {
                store.saveDataset(key, dataset.get("fides_key").asText(), dataset.toString());
                answer.succeeded(dataset);
            }
        }
        return json.write(answer.toMap());
    }

    /**
     * PATCH /api/v1/yml/connection/{key}/dataset: fidesops' dataset file, {"dataset": [...]} in YAML; 415
     * unless sent as application/x-yaml, 400 when it is not YAML. Jackson's YAML parser does not expand
     * aliases (a few lines of them could otherwise grow to gigabytes), and the document is bounded.
     */
    public String patchYaml(String key, String contentType, Object body) {
        connector(key);
        if (contentType == null || !contentType.split(";")[0].trim().equalsIgnoreCase(X_YAML)) {
            throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Supported type: " + X_YAML);
        }
        JsonNode root;
        try {
            org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setCodePointLimit(MAX_YAML_CODE_POINTS);
            com.fasterxml.jackson.dataformat.yaml.YAMLFactory factory = com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                    .loaderOptions(options).build();
            root = new com.fasterxml.jackson.databind.ObjectMapper(factory).readTree(Bodies.text(body));
        } catch (java.io.IOException | RuntimeException e) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "Error in YAML: the body is not a YAML document");
        }
        JsonNode datasets = root != null && root.isObject() && root.has("dataset") ? root.get("dataset")
                : json.mapper().createArrayNode();
        return patch(key, datasets.toString());
    }

    /** PUT .../validate_dataset: the dataset checked but not stored, and whether it is traversable on its own. */
    public String validate(String key, Object body) {
        connector(key);
        JsonNode dataset = Bodies.jsonObject(json.mapper(), body);
        schema.check(dataset, List.of("body"));
        String problem = DatasetTraversal.problem(dataset);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("is_traversable", problem == null);
        details.put("msg", problem);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dataset", dataset);
        answer.put("traversal_details", details);
        return json.write(answer);
    }

    /** GET .../dataset?page=&size=: newest first; size is the page size asked for, as fidesops answers it. */
    public String list(String key, String rawQuery) {
        connector(key);
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE / 100);
        int size = FidesQuery.positive(query, "size", 50, 100);
        List<String> all = new ArrayList<>(store.datasets(key).values());
        int from = Math.min(all.size(), (page - 1) * size);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", all.subList(from, Math.min(all.size(), from + size)).stream().map(json::readTree).toList());
        answer.put("total", all.size());
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public String get(String key, String fidesKey) {
        connector(key);
        String dataset = store.datasets(key).get(fidesKey);
        if (dataset == null) {
            // fidesops' own wording, unbalanced quote included.
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No dataset with fides_key '" + fidesKey + "' and connection key "
                    + key + "'");
        }
        return dataset;
    }

    public void delete(String key, String fidesKey) {
        connector(key);
        if (!store.deleteDataset(key, fidesKey)) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No dataset with fides_key '" + fidesKey + "' and connection_key '"
                    + key + "'");
        }
    }

    private void connector(String key) {
        if (store.find(key).isEmpty()) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No connection config with key '" + key + "'");
        }
    }
}
