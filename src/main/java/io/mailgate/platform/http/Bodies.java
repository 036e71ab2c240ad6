package io.mailgate.platform.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns a request body into JSON, answering the client errors that a bad body deserves. */
public final class Bodies {

    private Bodies() {
    }

    /** The HTTP layer hands a Vert.x buffer, bytes, or a map of form fields; this gives text. */
    public static String text(Object body) {
        if (body == null) {
            return "";
        }
        if (body instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (body instanceof Map<?, ?>) {
            throw new ApiException(ErrorCode.BODY_FORMAT, "The request body must be JSON, sent with Content-Type: application/json");
        }
        return body.toString();
    }

    /**
     * The text of a body that may be no longer than {@code maxChars} characters (a body sent without a
     * Content-Length passes the gate's size check: it is checked here).
     */
    public static String text(Object body, int maxChars) {
        String text = text(body);
        if (text.length() > maxChars) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + maxChars + " bytes");
        }
        return text;
    }

    public static JsonNode json(ObjectMapper mapper, Object body) {
        String text = text(body);
        if (text.isBlank()) {
            throw new ApiException(ErrorCode.EMPTY_BODY, "The request body is empty");
        }
        try {
            return mapper.readTree(text);
        } catch (JacksonException e) {
            throw new ApiException(ErrorCode.BODY_FORMAT, "The request body is not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
    }

    public static JsonNode jsonObject(ObjectMapper mapper, Object body) {
        JsonNode node = json(mapper, body);
        if (!node.isObject()) {
            throw new ApiException(ErrorCode.BODY_FORMAT, "The request body must be a JSON object");
        }
        return node;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
