package io.mailgate.platform.http;

/** The client errors Mailgate answers with: the Extra Horizon code and name, and the HTTP status. */
public enum ErrorCode {
    /** Extra Horizon answers a missing permission 401; fidesops routes answer it 403 (ErrorResponses). */
    NO_PERMISSION(10, "NO_PERMISSION_EXCEPTION", 401),
    /** A path id that is not 24 hexadecimal characters. */
    ID_FORMAT(12, "ID_FORMAT_EXCEPTION", 400),
    EMPTY_BODY(13, "EMPTY_BODY_EXCEPTION", 400),
    MISSING_REQUIRED_FIELDS(14, "MISSING_REQUIRED_FIELDS_EXCEPTION", 400),
    FIELD_FORMAT(15, "FIELD_FORMAT_EXCEPTION", 400),
    RESOURCE_UNKNOWN(16, "RESOURCE_UNKNOWN_EXCEPTION", 404),
    RESOURCE_ALREADY_EXISTS(17, "RESOURCE_ALREADY_EXISTS_EXCEPTION", 409),
    IDEMPOTENCY_KEY_REUSED(17, "IDEMPOTENCY_KEY_REUSED_EXCEPTION", 409),
    INVALID_RQL(19, "INVALID_RQL_EXCEPTION", 400),
    BODY_FORMAT(22, "BODY_FORMAT_EXCEPTION", 400),
    PAYLOAD_TOO_LARGE(22, "BODY_FORMAT_EXCEPTION", 400),
    NOT_AUTHENTICATED(104, "USER_NOT_AUTHENTICATED_EXCEPTION", 401),
    TOKEN_UNKNOWN(117, "ACCESS_TOKEN_UNKNOWN_EXCEPTION", 401),
    TOKEN_EXPIRED(118, "ACCESS_TOKEN_EXPIRED_EXCEPTION", 401),
    /** A localization without the EN text every language falls back to. */
    DEFAULT_LOCALIZATION_MISSING(801, "DEFAULT_LOCALIZATION_MISSING_EXCEPTION", 400),
    LOCALIZATION_UNKNOWN(1002, "LOCALIZATION_KEY_MISSING_EXCEPTION", 400),
    TEMPLATE_FILLING(1003, "TEMPLATE_FILLING_EXCEPTION", 400),
    TEMPLATE_SYNTAX(1004, "TEMPLATE_SYNTAX_EXCEPTION", 400),
    TEMPLATE_RESOLVING(1005, "TEMPLATE_RESOLVING_EXCEPTION", 400),
    /** Wrong client credentials at a token endpoint. */
    AUTHENTICATION_FAILURE(106, "AUTHENTICATION_EXCEPTION", 401),
    /** A grant_type the token endpoint does not serve. */
    UNSUPPORTED_GRANT(121, "UNSUPPORTED_GRANT_EXCEPTION", 400),
    /** fidesops' /login with a wrong user name or password. */
    LOGIN_FAILED(106, "AUTHENTICATION_EXCEPTION", 403),
    /** Too many failed logins for a user or a client: wait for Retry-After. */
    LOGIN_FREEZE(212, "LOGIN_FREEZE_EXCEPTION", 429),
    /** A fidesops 400: a duplicate key or name, or invalid secrets (detail is a message or a list of them). */
    BAD_REQUEST(22, "BAD_REQUEST_EXCEPTION", 400),
    /** A request that is well-formed JSON but breaks the schema (fidesops answers these with 422). */
    VALIDATION(15, "FIELD_FORMAT_EXCEPTION", 422),
    /** A fidesops 403 that says why (a wrong verification code, a forged download link). */
    FORBIDDEN(10, "NO_PERMISSION_EXCEPTION", 403),
    /** A body in a media type the endpoint does not take (fidesops' YAML dataset upload). */
    UNSUPPORTED_MEDIA_TYPE(22, "BODY_FORMAT_EXCEPTION", 415),
    /** A signed download link past its expiry, or a package already deleted. */
    GONE(16, "RESOURCE_UNKNOWN_EXCEPTION", 410),
    /** Mailgate is still starting: try again after Retry-After. */
    SERVICE_UNAVAILABLE(1, "SERVICE_UNAVAILABLE_EXCEPTION", 503);

    private final int code;
    private final String exceptionName;
    private final int status;

    ErrorCode(int code, String exceptionName, int status) {
        this.code = code;
        this.exceptionName = exceptionName;
        this.status = status;
    }

    public int code() {
        return code;
    }

    public String exceptionName() {
        return exceptionName;
    }

    public int status() {
        return status;
    }
}
