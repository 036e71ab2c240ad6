package io.mailgate.privacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One privacy notice to send (API.md §6): which template, to whom, in which language, with which
 * inputs. It becomes a normal template Mail through accept-mail: stored, retried, dead-lettered.
 */
public record Notice(String requestId, String kind, String to, String language, Map<String, Object> params,
                     String idempotencyKey) {

    public static final List<String> KINDS = List.of(
            "subject_identity_verification", "privacy_request_receipt", "privacy_request_review_approve",
            "privacy_request_review_deny", "privacy_request_complete_access", "privacy_request_complete_deletion",
            "email_erasure_fulfillment");

    public Notice {
        params = params == null ? Map.of() : new LinkedHashMap<>(params);
    }

    /** The /mail/v1 send body of this notice. */
    public Map<String, Object> sendBody() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recipients", Map.of("to", List.of(to)));
        body.put("template_name", kind);
        if (language != null) {
            body.put("language", language);
        }
        body.put("content", params);
        return body;
    }
}
