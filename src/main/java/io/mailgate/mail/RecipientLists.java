package io.mailgate.mail;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The per-recipient columns of a mail (recipients_pending, recipients_refused) as stored: JSON arrays, NULL when empty. */
final class RecipientLists {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<String>> ADDRESSES = new TypeReference<>() {
    };
    private static final TypeReference<List<Mail.RefusedRecipient>> REFUSED = new TypeReference<>() {
    };

    private RecipientLists() {
    }

    static String write(List<?> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a recipient list", e);
        }
    }

    static List<String> addresses(String stored) {
        return read(stored, ADDRESSES);
    }

    static List<Mail.RefusedRecipient> refused(String stored) {
        return read(stored, REFUSED);
    }

    private static <T> List<T> read(String stored, TypeReference<List<T>> type) {
        if (stored == null || stored.isEmpty()) {
            return List.of();
        }
        try {
            return MAPPER.readValue(stored, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored recipient list is not valid JSON", e);
        }
    }
}
