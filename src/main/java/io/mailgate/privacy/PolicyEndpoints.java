package io.mailgate.privacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.provider.FidesKeys;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.platform.Json;

/** /api/v1/policy, its rules and their targets (bulk PATCH, fidesops style). */
public class PolicyEndpoints {

    private static final Set<String> ACTIONS = Set.of("access", "erasure");

    private final Json json;
    private final PolicyStore store;
    private final Taxonomy taxonomy;

    public PolicyEndpoints(Json json, PolicyStore store, Taxonomy taxonomy) {
        this.json = json;
        this.store = store;
        this.taxonomy = taxonomy;
    }

    public String patchPolicies(Object body) {
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : array(body)) {
            String name = item.path("name").asText("");
            String key = key(item, name);
            if (name.isBlank() || key == null) {
                answer.failed("A policy needs a name and a valid key", item);
                continue;
            }
            store.upsertPolicy(key, name);
            answer.succeeded(view(store.find(key).orElseThrow()));
        }
        return json.write(answer.toMap());
    }

    public String patchRules(String policyKey, Object body) {
        policy(policyKey);
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : array(body)) {
            String name = item.path("name").asText("");
            String key = key(item, name);
            String action = item.path("action_type").asText("");
            JsonNode masking = item.get("masking_strategy");
            if (name.isBlank() || key == null) {
                answer.failed("A rule needs a name and a valid key", item);
            } else if (!ACTIONS.contains(action)) {
                answer.failed("action_type must be access or erasure", item);
            } else if (action.equals("erasure") && (masking == null || !masking.path("strategy").isTextual())) {
                answer.failed("An erasure rule needs a masking_strategy with a strategy", item);
            } else {
                store.upsertRule(policyKey, key, name, action,
                        masking == null || masking.isNull() ? null : json.mapper().convertValue(masking, Map.class));
                answer.succeeded(item);
            }
        }
        return json.write(answer.toMap());
    }

    public String patchTargets(String policyKey, String ruleKey, Object body) {
        Policy policy = policy(policyKey);
        if (policy.rules().stream().noneMatch(rule -> rule.key().equals(ruleKey))) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No rule found with key " + ruleKey);
        }
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : array(body)) {
            String name = item.path("name").asText("");
            String key = key(item, name);
            String category = item.path("data_category").asText("");
            if (name.isBlank() || key == null) {
                answer.failed("A target needs a name and a valid key", item);
            } else if (!taxonomy.contains(category)) {
                answer.failed("Unknown data category " + category, item);
            } else {
                store.upsertTarget(policyKey, ruleKey, key, name, category);
                answer.succeeded(item);
            }
        }
        return json.write(answer.toMap());
    }

    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE);
        int size = FidesQuery.positive(query, "size", 50, 100);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", store.keys(page, size).stream().map(key -> view(store.find(key).orElseThrow())).toList());
        answer.put("total", store.count());
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public String get(String key) {
        return json.write(view(policy(key)));
    }

    private Policy policy(String key) {
        return store.find(key).orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No policy found with key " + key));
    }

    private static String key(JsonNode item, String name) {
        String key = item.hasNonNull("key") ? item.get("key").asText() : FidesKeys.fromName(name);
        return FidesDatasets.FIDES_KEY.matcher(key).matches() ? key : null;
    }

    private JsonNode array(Object body) {
        JsonNode node = Bodies.json(json.mapper(), body);
        if (!node.isArray() || node.size() > 50) {
            throw ApiException.validation(List.of("body"), "value is not a valid list of at most 50 items");
        }
        return node;
    }

    static Map<String, Object> view(Policy policy) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", policy.key());
        view.put("name", policy.name());
        view.put("rules", policy.rules().stream().map(rule -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("key", rule.key());
            r.put("name", rule.name());
            r.put("action_type", rule.actionType());
            r.put("masking_strategy", rule.maskingStrategy());
            r.put("targets", rule.targets().stream().map(t -> Map.of("key", t.key(), "name", t.name(),
                    "data_category", t.dataCategory())).toList());
            return r;
        }).toList());
        return view;
    }
}
