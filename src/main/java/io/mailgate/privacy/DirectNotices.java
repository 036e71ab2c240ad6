package io.mailgate.privacy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.mail.AcceptedMail;
import io.mailgate.mail.Addresses;
import io.mailgate.platform.Json;

/** Any notice sent directly: POST /api/v1/email/send or a message on mailgate.privacy.email. */
public class DirectNotices {

    private static final Pattern LANGUAGE = Pattern.compile("[A-Z]{2}");

    private final Json json;

    public DirectNotices(Json json) {
        this.json = json;
    }

    /** {"action_type","to_email","body_params","language"?} → the notice. */
    public Notice parse(Object body) {
        return parse(body, null);
    }

    /** The same, sent once per idempotency key (a queue message's key or id: a redelivery mails nobody twice). */
    public Notice parse(Object body, String idempotencyKey) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("action_type", "to_email", "body_params", "language").contains(name)) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        String action = root.path("action_type").asText("");
        if (!Notice.KINDS.contains(action)) {
            throw ApiException.validation(List.of("body", "action_type"), "action_type must be one of " + Notice.KINDS);
        }
        String to = root.path("to_email").asText("");
        if (Addresses.problem(to) != null) {
            throw ApiException.validation(List.of("body", "to_email"), "to_email is not a valid email address");
        }
        JsonNode params = root.path("body_params");
        if (!params.isMissingNode() && !params.isNull() && !params.isObject()) {
            throw ApiException.validation(List.of("body", "body_params"), "body_params must be an object");
        }
        String language = root.path("language").asText(null);
        if (language != null && !LANGUAGE.matcher(language).matches()) {
            throw ApiException.validation(List.of("body", "language"), "language must be an upper-case ISO 639-1 code");
        }
        Map<String, Object> values = params.isObject() ? json.mapper().convertValue(params, Map.class) : Map.of();
        return new Notice(null, action, to, language, values, idempotencyKey);
    }

    public String answer(Notice notice, AcceptedMail accepted) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", accepted.mail().id());
        answer.put("action_type", notice.kind());
        answer.put("to_email", notice.to());
        answer.put("status", accepted.mail().status().wire());
        return json.write(answer);
    }
}
