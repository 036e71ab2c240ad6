package io.mailgate.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** What delivery tests do over the API: configure a provider, send a mail, wait for what became of it. */
public final class Mails {

    private final Api api;
    private final String token;

    public Mails(Api api, String token) {
        this.api = api;
        this.token = token;
    }

    /** Creates an email config (and its secrets, when any). */
    public void configure(String key, String type, Map<String, Object> details, int priority, Map<String, String> secrets) {
        Api.Response created = api.postJson("/api/v1/email/config", token, config(key, type, details, priority));
        assertEquals(200, created.status(), created.body());
        if (!secrets.isEmpty()) {
            Api.Response stored = api.send(api.request("/api/v1/email/config/" + key + "/secret", token)
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Api.write(secrets))));
            assertEquals(200, stored.status(), stored.body());
        }
    }

    /** Replaces an email config's details: a new version, with the secrets it had. */
    public void patch(String key, String type, Map<String, Object> details, int priority) {
        Api.Response patched = api.send(api.request("/api/v1/email/config/" + key, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(config(key, type, details, priority)))));
        assertEquals(200, patched.status(), patched.body());
    }

    public String send(Map<String, Object> request) {
        Api.Response response = api.postJson("/mail/v1/", token, request);
        assertEquals(200, response.status(), response.body());
        return response.json().get("id").asText();
    }

    /** The mail as GET /mail/v1/ shows it; null when there is none. */
    public JsonNode find(String id) {
        JsonNode data = api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data");
        return data.size() == 1 ? data.get(0) : null;
    }

    public JsonNode awaitStatus(String id, String status) {
        Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be " + status, () -> {
            JsonNode mail = find(id);
            return mail != null && status.equals(mail.get("status").asText());
        });
        return find(id);
    }

    /** A mail an attempt could not deliver, waiting (QUEUED) for its next attempt. */
    public JsonNode awaitDeferred(String id) {
        JsonNode[] found = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(30), "mail " + id + " to be deferred", () -> {
            found[0] = find(id);
            return found[0] != null && "queued".equals(found[0].get("status").asText()) && found[0].has("next_attempt_timestamp");
        });
        return found[0];
    }

    private static Map<String, Object> config(String key, String type, Map<String, Object> details, int priority) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("key", key);
        config.put("name", key);
        config.put("service_type", type);
        config.put("details", details);
        config.put("priority", priority);
        return config;
    }
}
