package io.mailgate.template;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Headers;
import io.mailgate.platform.http.ApiException;

/** Fields both template APIs (v1 and v2) read the same way: a name, a description, an optional text. */
public final class TemplateFields {

    private static final int MAX_NAME = 255;
    private static final int MAX_DESCRIPTION = 2000;

    private TemplateFields() {
    }

    public static String name(JsonNode node) {
        if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_NAME
                || Headers.hasControlCharacters(node.asText())) {
            throw ApiException.fieldFormat("name", "name must be a string of 1 to " + MAX_NAME + " characters without line breaks");
        }
        return node.asText();
    }

    /** A description, or null when given as null. */
    public static String description(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().length() > MAX_DESCRIPTION) {
            throw ApiException.fieldFormat("description", "description must be a string of at most " + MAX_DESCRIPTION + " characters");
        }
        return node.asText();
    }

    /** A string field of a request body, or null when absent or null. */
    public static String optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.fieldFormat(field, field + " must be a string");
        }
        return node.asText();
    }
}
