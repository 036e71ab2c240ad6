package io.mailgate.privacy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Addresses;
import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.template.LanguageCodes;

/**
 * Reads the bodies of the privacy-request endpoints the way fidesops' models do: an item that breaks
 * the schema of POST /privacy-request (an unknown field, a bad email, a policy_key that is no FidesKey,
 * a time that is no time) is a 422 for the whole request, naming the item and field.
 */
final class PrivacyRequestBodies {

    private static final Set<String> FIELDS = Set.of("requested_at", "policy_key", "identity", "external_id", "language",
            "started_processing_at", "finished_processing_at", "encryption_key");
    private static final Set<String> IDENTITY_FIELDS = Set.of("email", "phone_number");
    private static final int MAX_TEXT = 255;

    private PrivacyRequestBodies() {
    }

    static void checkCreate(JsonNode items, boolean identityVerificationRequired) {
        if (!items.isArray()) {
            throw ApiException.validation(List.of("body"), "value is not a valid list");
        }
        if (items.size() > PrivacyRequests.MAX_BULK) {
            throw ApiException.validation(List.of("body"), "ensure this value has at most " + PrivacyRequests.MAX_BULK + " items");
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                throw at(i, List.of(), "value is not a valid dict");
            }
            for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!FIELDS.contains(name)) {
                    throw at(i, List.of(name), "extra fields not permitted");
                }
            }
            if (!item.hasNonNull("policy_key")) {
                throw at(i, List.of("policy_key"), "field required");
            }
            if (!item.get("policy_key").isTextual() || !FidesDatasets.FIDES_KEY.matcher(item.get("policy_key").asText()).matches()) {
                throw at(i, List.of("policy_key"), "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.");
            }
            JsonNode identity = item.get("identity");
            if (identity == null || identity.isNull()) {
                throw at(i, List.of("identity"), "field required");
            }
            if (!identity.isObject()) {
                throw at(i, List.of("identity"), "value is not a valid dict");
            }
            for (Iterator<String> names = identity.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!IDENTITY_FIELDS.contains(name)) {
                    throw at(i, List.of("identity", name), "extra fields not permitted");
                }
                JsonNode value = identity.get(name);
                if (!value.isNull() && (!value.isTextual() || value.asText().length() > MAX_TEXT)) {
                    throw at(i, List.of("identity", name), "str type expected, of at most " + MAX_TEXT + " characters");
                }
            }
            if (identity.hasNonNull("email") && Addresses.problem(identity.get("email").asText()) != null) {
                throw at(i, List.of("identity", "email"), "value is not a valid email address");
            }
            if (identity.hasNonNull("phone_number") && identity.get("phone_number").asText().chars().anyMatch(Character::isISOControl)) {
                throw at(i, List.of("identity", "phone_number"), "value is not a valid phone number");
            }
            if (item.hasNonNull("external_id") && (!item.get("external_id").isTextual()
                    || item.get("external_id").asText().length() > MAX_TEXT)) {
                throw at(i, List.of("external_id"), "ensure this value has at most " + MAX_TEXT + " characters");
            }
            if (item.hasNonNull("language") && !LanguageCodes.isKnown(item.get("language").asText())) {
                throw at(i, List.of("language"), "language must be an upper-case ISO 639-1 code such as NL");
            }
            for (String time : List.of("requested_at", "started_processing_at", "finished_processing_at")) {
                if (item.hasNonNull(time) && epochMillis(item.get(time).asText()) == null) {
                    throw at(i, List.of(time), "invalid datetime format");
                }
            }
        }
    }

    /** The identity values given (nulls dropped). */
    static Map<String, String> identity(JsonNode item) {
        Map<String, String> identity = new LinkedHashMap<>();
        item.get("identity").fields().forEachRemaining(field -> {
            if (!field.getValue().isNull() && !field.getValue().asText().isEmpty()) {
                identity.put(field.getKey(), field.getValue().asText());
            }
        });
        return identity;
    }

    /** requested_at as epoch milliseconds; an ISO-8601 time without an offset is UTC. */
    static Long requestedAt(JsonNode item) {
        return item.hasNonNull("requested_at") ? epochMillis(item.get("requested_at").asText()) : null;
    }

    /** A query time (?created_lt=…) as epoch milliseconds; null when absent, 422 when it is no time. */
    static Long time(String value, String name) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Long millis = epochMillis(value);
        if (millis == null) {
            throw ApiException.validation(List.of("query", name), "invalid datetime format");
        }
        return millis;
    }

    private static Long epochMillis(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (DateTimeParseException notOffset) {
            try {
                return Instant.parse(value).toEpochMilli();
            } catch (DateTimeParseException notInstant) {
                try {
                    return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
                    } catch (DateTimeParseException notDate) {
                        return null;
                    }
                }
            }
        }
    }

    /** {"request_ids": [...]} of the approve endpoint, and also "reason" for deny. */
    static List<String> requestIds(Json json, Object body, boolean reasonAllowed) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("request_ids") && !(reasonAllowed && name.equals("reason"))) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        JsonNode ids = root.get("request_ids");
        if (ids == null || ids.isNull()) {
            throw ApiException.validation(List.of("body", "request_ids"), "field required");
        }
        if (!ids.isArray()) {
            throw ApiException.validation(List.of("body", "request_ids"), "value is not a valid list");
        }
        if (ids.size() > PrivacyRequests.MAX_BULK) {
            throw ApiException.validation(List.of("body", "request_ids"), "ensure this value has at most " + PrivacyRequests.MAX_BULK
                    + " items");
        }
        if (reasonAllowed && root.hasNonNull("reason") && (!root.get("reason").isTextual()
                || root.get("reason").asText().length() > 2000)) {
            throw ApiException.validation(List.of("body", "reason"), "ensure this value has at most 2000 characters");
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isTextual() || id.asText().length() > MAX_TEXT) {
                throw ApiException.validation(List.of("body", "request_ids", i), "str type expected");
            }
            list.add(id.asText());
        }
        return list;
    }

    private static ApiException at(int index, List<String> path, String message) {
        List<Object> location = new ArrayList<>(List.of("body", index));
        location.addAll(path);
        return ApiException.validation(location, message);
    }
}
