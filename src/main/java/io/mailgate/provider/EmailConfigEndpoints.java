package io.mailgate.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;
import io.mailgate.platform.Json;

/** The fidesops /api/v1/email/config endpoints. Secrets go in, never out. */
public class EmailConfigEndpoints {

    private static final int MAX_SIZE = 100;

    private final Json json;
    private final EmailConfigStore store;
    private final EmailConfigRequests requests;

    public EmailConfigEndpoints(Json json, EmailConfigStore store, EmailConfigRequests requests) {
        this.json = json;
        this.store = store;
        this.requests = requests;
    }

    public String create(Object body) {
        return json.write(view(store.create(requests.parse(body))));
    }

    /** ?page=1&size=50 (size at most 100) → {"items","total","page","size"}. */
    public String list(String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE);
        int size = FidesQuery.positive(query, "size", 50, MAX_SIZE);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", store.page(page, size).stream().map(EmailConfigEndpoints::view).toList());
        answer.put("total", store.count());
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    public String get(String key) {
        return json.write(view(find(key)));
    }

    /** PATCH takes a full body; the key in the path names the config and cannot change. */
    public String patch(String key, Object body) {
        EmailConfig current = find(key);
        EmailConfigDraft draft = requests.parse(body);
        if (!draft.key().equals(current.key()) && !FidesKeys.fromName(draft.name()).equals(draft.key())) {
            throw ApiException.validation(List.of("body", "key"), "the key of an email config cannot change");
        }
        EmailConfigDraft keyed = new EmailConfigDraft(current.key(), draft.name(), draft.type(), draft.details(),
                draft.priority(), draft.enabled(), draft.rateLimit());
        return json.write(view(store.update(current, keyed)));
    }

    public void delete(String key) {
        if (!store.delete(key)) {
            throw unknown(key);
        }
    }

    public String putSecrets(String key, Object body) {
        EmailConfig config = find(key);
        store.putSecrets(config, requests.secrets(config.type(), body));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("msg", "Secrets updated for EmailConfig with key: " + key + ".");
        answer.put("test_status", null);
        answer.put("failure_reason", null);
        return json.write(answer);
    }

    private EmailConfig find(String key) {
        return store.find(key).orElseThrow(() -> unknown(key));
    }

    private static ApiException unknown(String key) {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No email config found with key " + key);
    }

    static Map<String, Object> view(EmailConfig config) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", config.key());
        view.put("name", config.name());
        view.put("service_type", config.type().serviceType());
        view.put("details", config.details());
        view.put("priority", config.priority());
        view.put("enabled", config.enabled());
        view.put("rate_limit", config.rateLimit().orElse(null));
        view.put("has_secrets", config.encryptedSecrets().isPresent());
        return view;
    }
}
