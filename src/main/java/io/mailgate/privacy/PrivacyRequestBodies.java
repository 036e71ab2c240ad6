package io.mailgate.privacy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Addresses;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;

/** Reads the bodies of the privacy-request endpoints: a new request's fields, the ids to approve or deny. */
final class PrivacyRequestBodies {

    private static final Pattern LANGUAGE = Pattern.compile("[A-Z]{2}");

    private PrivacyRequestBodies() {
    }

    /** Why one item of POST /privacy-request is not acceptable, or null when it is. */
    static String problem(JsonNode item, boolean identityVerificationRequired) {
        if (!item.isObject()) {
            return "A privacy request must be an object";
        }
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("requested_at", "policy_key", "identity", "external_id", "language").contains(name)) {
                return "Unknown field " + name;
            }
        }
        if (!item.path("policy_key").isTextual()) {
            return "policy_key is required";
        }
        JsonNode identity = item.path("identity");
        if (!identity.isObject() || (!identity.hasNonNull("email") && !identity.hasNonNull("phone_number"))) {
            return "identity needs an email or a phone_number";
        }
        if (identity.hasNonNull("email") && Addresses.problem(identity.get("email").asText()) != null) {
            return "identity.email is not a valid email address";
        }
        if (identityVerificationRequired && !identity.hasNonNull("email")) {
            return "identity verification needs an email to send the code to";
        }
        if (item.hasNonNull("language") && !LANGUAGE.matcher(item.get("language").asText()).matches()) {
            return "language must be an upper-case ISO 639-1 code such as NL";
        }
        if (item.hasNonNull("requested_at")) {
            try {
                requestedAt(item);
            } catch (DateTimeParseException e) {
                return "requested_at must be an ISO-8601 time";
            }
        }
        return null;
    }

    /** requested_at as epoch milliseconds; an ISO-8601 time without an offset is UTC. */
    static Long requestedAt(JsonNode item) {
        if (!item.hasNonNull("requested_at")) {
            return null;
        }
        String value = item.get("requested_at").asText();
        return (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$") ? Instant.parse(value)
                : Instant.parse(value + "Z")).toEpochMilli();
    }

    /** {"request_ids": [...]} of the approve and deny endpoints. */
    static List<String> requestIds(Json json, Object body) {
        JsonNode ids = Bodies.jsonObject(json.mapper(), body).get("request_ids");
        if (ids == null || !ids.isArray() || ids.size() > PrivacyRequests.MAX_BULK) {
            throw ApiException.validation(List.of("body", "request_ids"), "request_ids must be a list of at most 50 ids");
        }
        List<String> list = new ArrayList<>();
        ids.forEach(id -> list.add(id.asText()));
        return list;
    }
}
