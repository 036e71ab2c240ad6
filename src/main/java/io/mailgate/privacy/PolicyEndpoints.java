package io.mailgate.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.provider.FidesKeys;

/**
 * /api/v1/policy, its rules and their targets, as fidesops 1.8.2 answers them: bulk PATCH of up to 50
 * items, a schema break answered 422 for the whole request, a business rule broken answered per item
 * in "failed" with fidesops' message.
 */
public class PolicyEndpoints {

    private static final int MAX_BULK = 50;
    private static final int MAX_NAME = 255;
    private static final List<String> ACTIONS = List.of("access", "consent", "erasure", "update");
    private static final List<String> STRATEGIES = List.of("null_rewrite", "string_rewrite", "hash", "hmac",
            "random_string_rewrite", "aes_encrypt");
    private static final int MAX_CONFIGURATION = 2000;

    private final Json json;
    private final PolicyStore store;
    private final Taxonomy taxonomy;
    private final Function<String, Optional<StorageConfig>> storages;

    /** @param storages a storage destination by key: an access rule must name one */
    public PolicyEndpoints(Json json, PolicyStore store, Taxonomy taxonomy, Function<String, Optional<StorageConfig>> storages) {
        this.json = json;
        this.store = store;
        this.taxonomy = taxonomy;
        this.storages = storages;
    }

    public String patchPolicies(Object body) {
        JsonNode items = array(body);
        for (int i = 0; i < items.size(); i++) {
            checkNamed(items.get(i), i, true);
        }
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : items) {
            String name = item.get("name").asText();
            String key = key(item, name);
            store.upsertPolicy(key, name);
            answer.succeeded(view(store.find(key).orElseThrow()));
        }
        return json.write(answer.toMap());
    }

    public String patchRules(String policyKey, Object body) {
        policy(policyKey);
        JsonNode items = array(body);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            checkNamed(item, i, true);
            if (!item.hasNonNull("action_type")) {
                throw ApiException.validation(List.of("body", i, "action_type"), "field required");
            }
            if (!ACTIONS.contains(item.get("action_type").asText())) {
                throw ApiException.validation(List.of("body", i, "action_type"), "value is not a valid enumeration member; "
                        + "permitted: 'access', 'consent', 'erasure', 'update'");
            }
            checkKey(item.get("storage_destination_key"), List.of("body", i, "storage_destination_key"));
            checkMasking(item.get("masking_strategy"), i);
        }
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : items) {
            String name = item.get("name").asText();
            String key = key(item, name);
            String action = item.get("action_type").asText();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("name", name);
            data.put("key", item.hasNonNull("key") ? key : null);
            data.put("action_type", action);
            data.put("storage_destination_key", item.path("storage_destination_key").asText(null));
            JsonNode masking = item.get("masking_strategy");
            data.put("masking_strategy", masking == null || masking.isNull() ? null : json.mapper().convertValue(masking, Map.class));
            String storageKey = item.path("storage_destination_key").asText(null);
            Optional<StorageConfig> storage = storageKey == null ? Optional.empty() : storages.apply(storageKey);
            Optional<String> owner = store.ruleOwner(key);
            if (action.equals("access") && storage.isEmpty()) {
                answer.failed("A StorageConfig with key " + (storageKey == null ? "None" : storageKey) + " does not exist", data);
            } else if (owner.isPresent() && !owner.get().equals(policyKey)) {
                answer.failed("Rule with identifier " + key + " belongs to another policy.", data);
            } else if (action.equals("erasure") && storageKey != null) {
                answer.failed("Erasure Rules cannot have storage destinations.", data);
            } else if (action.equals("erasure") && data.get("masking_strategy") == null) {
                answer.failed("Erasure Rules must have masking strategies.", data);
            } else if (action.equals("consent") || action.equals("update")) {
                answer.failed(action + " Rules are not supported at this time.", data);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> strategy = action.equals("erasure") ? (Map<String, Object>) data.get("masking_strategy") : null;
                store.upsertRule(policyKey, key, name, action, strategy, action.equals("access") ? storageKey : null);
                Policy saved = store.find(policyKey).orElseThrow();
                answer.succeeded(ruleView(saved.rules().stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow()));
            }
        }
        return json.write(answer.toMap());
    }

    public String patchTargets(String policyKey, String ruleKey, Object body) {
        Policy policy = policy(policyKey);
        if (policy.rules().stream().noneMatch(rule -> rule.key().equals(ruleKey))) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No Rule found for key " + ruleKey + " on Policy " + policyKey + ".");
        }
        JsonNode items = array(body);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            checkNamed(item, i, false);
            if (!item.hasNonNull("data_category")) {
                throw ApiException.validation(List.of("body", i, "data_category"), "field required");
            }
            if (!item.get("data_category").isTextual() || !taxonomy.contains(item.get("data_category").asText())) {
                throw ApiException.validation(List.of("body", i, "data_category"),
                        "value is not a valid enumeration member: not a fideslang data category");
            }
        }
        BulkAnswer answer = new BulkAnswer();
        for (JsonNode item : items) {
            String category = item.get("data_category").asText();
            String name = item.hasNonNull("name") ? item.get("name").asText() : category;
            String key = key(item, name);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("name", item.hasNonNull("name") ? name : null);
            data.put("key", item.hasNonNull("key") ? key : null);
            data.put("data_category", category);
            Policy current = store.find(policyKey).orElseThrow();
            Policy.Rule rule = current.rules().stream().filter(r -> r.key().equals(ruleKey)).findFirst().orElseThrow();
            Optional<String> conflict = rule.actionType().equals("erasure") ? erasureConflict(current, ruleKey, key, category)
                    : Optional.empty();
            if (conflict.isPresent()) {
                answer.failed(conflict.get(), data);
            } else if (rule.targets().stream().anyMatch(t -> t.dataCategory().equals(category) && !t.key().equals(key))) {
                answer.failed("DataCategory " + category + " is already specified on Rule with ID " + ruleKey, data);
            } else {
                store.upsertTarget(policyKey, ruleKey, key, name, category);
                Map<String, Object> target = new LinkedHashMap<>();
                target.put("name", name);
                target.put("key", key);
                target.put("data_category", category);
                answer.succeeded(target);
            }
        }
        return json.write(answer.toMap());
    }

    /** fidesops refuses erasure targets where one category lies under another: both would be masked. */
    private static Optional<String> erasureConflict(Policy policy, String ruleKey, String targetKey, String category) {
        for (Policy.Rule rule : policy.rules()) {
            if (!rule.actionType().equals("erasure")) {
                continue;
            }
            for (Policy.Target target : rule.targets()) {
                if (rule.key().equals(ruleKey) && target.key().equals(targetKey)) {
                    continue;
                }
                String other = target.dataCategory();
                if (other.startsWith(category + ".")) {
                    return Optional.of(conflictMessage(other, category));
                }
                if (category.startsWith(other + ".")) {
                    return Optional.of(conflictMessage(category, other));
                }
            }
        }
        return Optional.empty();
    }

    private static String conflictMessage(String descendant, String ancestor) {
        return "Policy rules are invalid, action conflict in erasure rules detected for categories " + descendant + " and "
                + ancestor;
    }

    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE / 100);
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
        return store.find(key).orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No Policy found for key " + key + "."));
    }

    private static String key(JsonNode item, String name) {
        return item.hasNonNull("key") ? item.get("key").asText() : FidesKeys.fromName(name);
    }

    /** A name (required or not) and an optional key, both at most 255 characters, the key a FidesKey. */
    private static void checkNamed(JsonNode item, int index, boolean nameRequired) {
        if (!item.isObject()) {
            throw ApiException.validation(List.of("body", index), "value is not a valid dict");
        }
        JsonNode name = item.get("name");
        if (name == null || name.isNull()) {
            if (nameRequired) {
                throw ApiException.validation(List.of("body", index, "name"), "field required");
            }
        } else if (!name.isTextual()) {
            throw ApiException.validation(List.of("body", index, "name"), "str type expected");
        } else if (name.asText().length() > MAX_NAME) {
            throw ApiException.validation(List.of("body", index, "name"), "ensure this value has at most " + MAX_NAME + " characters");
        }
        checkKey(item.get("key"), List.of("body", index, "key"));
    }

    private static void checkKey(JsonNode key, List<Object> location) {
        if (key == null || key.isNull()) {
            return;
        }
        if (!key.isTextual() || !FidesDatasets.FIDES_KEY.matcher(key.asText()).matches()) {
            throw ApiException.validation(location, "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.");
        }
        if (key.asText().length() > MAX_NAME) {
            throw ApiException.validation(location, "ensure this value has at most " + MAX_NAME + " characters");
        }
    }

    /** fidesops' PolicyMaskingSpec {strategy, configuration}, the strategy one fidesops knows. */
    private void checkMasking(JsonNode masking, int index) {
        if (masking == null || masking.isNull()) {
            return;
        }
        List<Object> location = new ArrayList<>(List.of("body", index, "masking_strategy"));
        if (!masking.isObject()) {
            throw ApiException.validation(location, "value is not a valid dict");
        }
        if (!masking.path("strategy").isTextual()) {
            location.add("strategy");
            throw ApiException.validation(location, masking.hasNonNull("strategy") ? "str type expected" : "field required");
        }
        if (!STRATEGIES.contains(masking.get("strategy").asText())) {
            location.add("strategy");
            throw ApiException.validation(location, "Strategy '" + masking.get("strategy").asText().substring(0,
                    Math.min(100, masking.get("strategy").asText().length())) + "' does not exist. Valid strategies are "
                    + String.join(", ", STRATEGIES));
        }
        JsonNode configuration = masking.get("configuration");
        if (configuration != null && !configuration.isNull() && (!configuration.isObject()
                || json.write(configuration).length() > MAX_CONFIGURATION)) {
            location.add("configuration");
            throw ApiException.validation(location, "value is not a valid dict of at most " + MAX_CONFIGURATION + " characters");
        }
    }

    private JsonNode array(Object body) {
        JsonNode node = Bodies.json(json.mapper(), body);
        if (!node.isArray()) {
            throw ApiException.validation(List.of("body"), "value is not a valid list");
        }
        if (node.size() > MAX_BULK) {
            throw ApiException.validation(List.of("body"), "ensure this value has at most " + MAX_BULK + " items");
        }
        return node;
    }

    Map<String, Object> view(Policy policy) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", policy.name());
        view.put("key", policy.key());
        view.put("drp_action", null);
        view.put("execution_timeframe", null);
        view.put("rules", policy.rules().stream().map(this::ruleView).toList());
        return view;
    }

    /** fidesops' RuleResponse: the masking strategy without its configuration, the storage destination in full. */
    private Map<String, Object> ruleView(Policy.Rule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", rule.name());
        view.put("key", rule.key());
        view.put("action_type", rule.actionType());
        view.put("storage_destination", rule.storageDestinationKey() == null ? null
                : storages.apply(rule.storageDestinationKey()).map(StorageEndpoints::view).orElse(null));
        view.put("masking_strategy", rule.maskingStrategy() == null ? null : Map.of("strategy", rule.maskingStrategy().get("strategy")));
        view.put("targets", rule.targets().stream().map(t -> {
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("name", t.name());
            target.put("key", t.key());
            target.put("data_category", t.dataCategory());
            return target;
        }).toList());
        return view;
    }
}
