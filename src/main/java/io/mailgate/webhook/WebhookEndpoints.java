package io.mailgate.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Headers;
import io.mailgate.mail.MailEvent;
import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.http.FidesQuery;

/** The webhook API (/api/v1/webhooks): subscribe an endpoint, list, look at one and its delivery log, delete. */
public class WebhookEndpoints {

    private static final int MAX_URL = 2000;
    private static final int MAX_DESCRIPTION = 500;
    private static final int MAX_PAGE_SIZE = 100;
    private static final Set<String> FIELDS = Set.of("url", "events", "description");

    private final Json json;
    private final WebhookStore store;
    private final WebhookSettings settings;

    public WebhookEndpoints(Json json, WebhookStore store, WebhookSettings settings) {
        this.json = json;
        this.store = store;
        this.settings = settings;
    }

    /** {"url", "events": [...], "description"} → the endpoint with its secret, shown this once. */
    public String create(String clientId, Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        String url = url(root.get("url"));
        Set<MailEvent.Type> events = events(root.get("events"));
        JsonNode descriptionNode = root.get("description");
        Optional<String> description = Optional.empty();
        if (descriptionNode != null && !descriptionNode.isNull()) {
            if (!descriptionNode.isTextual() || descriptionNode.asText().length() > MAX_DESCRIPTION
                    || Headers.hasControlCharacters(descriptionNode.asText())) {
                throw ApiException.validation(List.of("body", "description"), "description must be a text of at most " + MAX_DESCRIPTION
                        + " characters, without control characters");
            }
            description = Optional.of(descriptionNode.asText());
        }
        if (store.count(clientId) >= settings.maxPerClient()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, "A client may have at most " + settings.maxPerClient() + " webhook endpoints");
        }
        WebhookStore.Created created = store.create(clientId, url, events, description);
        Map<String, Object> view = view(created.webhook());
        view.put("secret", created.secret());
        return json.write(view);
    }

    public String list(String clientId) {
        List<Map<String, Object>> items = store.list(clientId).stream().map(WebhookEndpoints::view).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", items);
        answer.put("total", items.size());
        return json.write(answer);
    }

    public String get(String clientId, String id) {
        return json.write(view(find(clientId, id)));
    }

    public void delete(String clientId, String id) {
        Ids.require(id, "id");
        if (!store.delete(clientId, id)) {
            throw unknown();
        }
    }

    /** ?page=1&size=50 → the endpoint's messages, newest first: event, status, attempts, its last answer. */
    public String deliveries(String clientId, String id, String rawQuery) {
        Webhook webhook = find(clientId, id);
        Map<String, String> query = FidesQuery.parse(rawQuery);
        int page = FidesQuery.positive(query, "page", 1, Integer.MAX_VALUE);
        int size = FidesQuery.positive(query, "size", 50, MAX_PAGE_SIZE);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", store.deliveries(webhook.id(), page, size));
        answer.put("total", store.countDeliveries(webhook.id()));
        answer.put("page", page);
        answer.put("size", size);
        return json.write(answer);
    }

    private Webhook find(String clientId, String id) {
        Ids.require(id, "id");
        return store.find(clientId, id).orElseThrow(WebhookEndpoints::unknown);
    }

    private String url(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw ApiException.validation(List.of("body", "url"), "field required: a text");
        }
        String text = node.asText().trim();
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiException.validation(List.of("body", "url"), "url is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (text.length() > MAX_URL || !(scheme.equals("https") || scheme.equals("http")) || url.getHost() == null
                || url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw ApiException.validation(List.of("body", "url"), "url must be an http or https URL of at most " + MAX_URL
                    + " characters, with a host and without credentials or a fragment");
        }
        if (!settings.allowPrivateAddresses()) {
            boolean privateHost;
            try {
                privateHost = WebhookSender.privateAddress(url.getHost());
            } catch (IllegalStateException e) {
                throw ApiException.validation(List.of("body", "url"), "url's host is unknown");
            }
            if (privateHost) {
                throw ApiException.validation(List.of("body", "url"), "url must not point at a loopback, private or link-local address");
            }
        }
        return text;
    }

    private static Set<MailEvent.Type> events(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MailEvent.Type.values().length) {
            throw ApiException.validation(List.of("body", "events"), "events must be a list of event types: " + known());
        }
        Set<MailEvent.Type> events = EnumSet.noneOf(MailEvent.Type.class);
        for (JsonNode event : node) {
            MailEvent.Type type = event.isTextual() ? type(event.asText()) : null;
            if (type == null || !events.add(type)) {
                throw ApiException.validation(List.of("body", "events"), "events must name each of these at most once: " + known());
            }
        }
        return events;
    }

    private static MailEvent.Type type(String wire) {
        for (MailEvent.Type type : MailEvent.Type.values()) {
            if (type.wire().equals(wire)) {
                return type;
            }
        }
        return null;
    }

    private static String known() {
        return String.join(", ", java.util.Arrays.stream(MailEvent.Type.values()).map(MailEvent.Type::wire).toList());
    }

    static Map<String, Object> view(Webhook webhook) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", webhook.id());
        view.put("url", webhook.url());
        view.put("events", webhook.events().stream().map(MailEvent.Type::wire).sorted().toList());
        view.put("description", webhook.description().orElse(null));
        view.put("created_at", Instant.ofEpochMilli(webhook.createdAt()).toString());
        return view;
    }

    private static ApiException unknown() {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No webhook endpoint of this client has this id");
    }
}
