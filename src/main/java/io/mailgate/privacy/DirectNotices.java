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
        Map<String, Object> values = params.isObject() ? fidesopsParams(action, params) : Map.of();
        return new Notice(null, action, to, language, values, idempotencyKey);
    }

    /**
     * fidesops' own body params, as its email schemas name them, become the template's inputs:
     * verification_code and verification_code_ttl_seconds (whole minutes, 0 under a minute) give code and
     * minutes; rejection_reason gives reason. Mailgate's own names are accepted as they are.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> fidesopsParams(String action, JsonNode params) {
        Map<String, Object> values = new LinkedHashMap<>(json.mapper().convertValue(params, Map.class));
        if (action.equals("subject_identity_verification") || action.equals("consent_request")) {
            JsonNode code = params.path("verification_code");
            if (!code.isMissingNode()) {
                if (!code.isTextual() && !code.isIntegralNumber()) {
                    throw ApiException.validation(List.of("body", "body_params", "verification_code"), "str type expected");
                }
                values.remove("verification_code");
                values.put("code", code.asText());
            }
            JsonNode ttl = params.path("verification_code_ttl_seconds");
            if (!ttl.isMissingNode()) {
                if (!(ttl.isIntegralNumber() && ttl.canConvertToInt()) && !(ttl.isTextual() && ttl.asText().matches("[0-9]{1,9}"))) {
                    throw ApiException.validation(List.of("body", "body_params", "verification_code_ttl_seconds"),
                            "value is not a valid integer");
                }
                long seconds = ttl.isTextual() ? Long.parseLong(ttl.asText()) : ttl.asLong();
                values.remove("verification_code_ttl_seconds");
                values.put("minutes", seconds < 60 ? 0 : seconds / 60);
            }
        }
        if (action.equals("privacy_request_review_deny") && values.containsKey("rejection_reason")) {
            values.put("reason", values.remove("rejection_reason"));
        }
        return values;
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
