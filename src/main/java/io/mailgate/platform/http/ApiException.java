package io.mailgate.platform.http;

import java.util.List;
import java.util.Map;

/**
 * A client error with everything both API dialects need to answer it. Routes never build error
 * bodies themselves: the route configurations in errors.camel.yaml render this exception.
 */
public class ApiException extends RuntimeException {

    private final ErrorCode errorCode;
    /** Extra members of the Extra Horizon body, e.g. {@code missingFields}. */
    private final Map<String, Object> details;
    /** The field path for a fidesops 422 ({@code loc}: names and list indexes); empty when not about one field. */
    private final List<Object> location;

    public ApiException(ErrorCode errorCode, String message) {
        this(errorCode, message, Map.of(), List.of());
    }

    public ApiException(ErrorCode errorCode, String message, Map<String, Object> details, List<?> location) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.details = Map.copyOf(details);
        this.location = List.copyOf(location);
    }

    public static ApiException fieldFormat(String field, String message) {
        return new ApiException(ErrorCode.FIELD_FORMAT, message, Map.of("field", field), List.of("body", field));
    }

    public static ApiException validation(List<?> location, String message) {
        return new ApiException(ErrorCode.VALIDATION, message, Map.of(), location);
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public int status() {
        return errorCode.status();
    }

    public Map<String, Object> details() {
        return details;
    }

    public List<Object> location() {
        return location;
    }
}
