package io.mailgate.suppression;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Addresses;
import io.mailgate.mail.Headers;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;

/** /api/v1/suppressions: list (paged, searched by address), add and remove the addresses a client's mails must not go to. */
public class SuppressionEndpoints {

    private static final int MAX_SIZE = 100;
    private static final int MAX_REASON = Suppression.MAX_REASON;
    private static final int MAX_SEARCH = 320;
    private static final Set<String> FIELDS = Set.of("email", "reason", "global");

    private final Json json;
    private final SuppressionList list;

    public SuppressionEndpoints(Json json, SuppressionList list) {
        this.json = json;
        this.list = list;
    }

    /** ?email= (a part of the address) &page=1&size=50 → the client's entries and the global ones, newest first. */
    public String list(String clientId, String rawQuery) {
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE);
        int size = FidesQuery.positive(query, "size", 50, MAX_SIZE);
        Optional<String> search = Optional.ofNullable(query.get("email")).filter(text -> !text.isBlank());
        if (search.isPresent() && (search.get().length() > MAX_SEARCH || Headers.hasControlCharacters(search.get()))) {
            throw ApiException.validation(List.of("query", "email"), "email must be at most " + MAX_SEARCH
                    + " characters, without control characters");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", list.page(clientId, search, page, size).stream().map(SuppressionEndpoints::view).toList());
        answer.put("total", list.count(clientId, search));
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    /** {"email", "reason", "global"}: adds the address to the client's list (or, with global, to every client's). */
    public String add(String clientId, Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        JsonNode email = root.get("email");
        if (email == null || !email.isTextual()) {
            throw ApiException.validation(List.of("body", "email"), "field required: a text");
        }
        String problem = Addresses.problem(email.asText());
        if (problem != null) {
            throw ApiException.validation(List.of("body", "email"), "email " + problem);
        }
        JsonNode reasonNode = root.get("reason");
        String reason = reasonNode == null || reasonNode.isNull() ? "added through the API" : reasonNode.isTextual()
                ? reasonNode.asText() : null;
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON || Headers.hasControlCharacters(reason)) {
            throw ApiException.validation(List.of("body", "reason"), "reason must be a text of 1 to " + MAX_REASON
                    + " characters, without control characters");
        }
        JsonNode global = root.get("global");
        if (global != null && !global.isBoolean() && !global.isNull()) {
            throw ApiException.validation(List.of("body", "global"), "global must be true or false");
        }
        boolean everyClient = global != null && global.asBoolean(false);
        Suppression added = list.add(everyClient ? Suppression.GLOBAL : clientId, email.asText(), reason, "api");
        return json.write(view(added));
    }

    /** Removes the address from the client's list (?global=true: from the global one). */
    public void remove(String clientId, String email, String rawQuery) {
        if (email == null || email.isBlank() || email.length() > 320 || Headers.hasControlCharacters(email)) {
            throw ApiException.validation(List.of("path", "email"), "not an address");
        }
        boolean global = "true".equals(FidesQuery.parse(rawQuery).get("global"));
        if (!list.remove(global ? Suppression.GLOBAL : clientId, email)) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "The address is not on the " + (global ? "global" : "client's")
                    + " suppression list");
        }
    }

    static Map<String, Object> view(Suppression suppression) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("email", suppression.email());
        view.put("reason", suppression.reason());
        view.put("source", suppression.source());
        view.put("global", suppression.global());
        view.put("created_at", java.time.Instant.ofEpochMilli(suppression.createdAt()).toString());
        return view;
    }
}
