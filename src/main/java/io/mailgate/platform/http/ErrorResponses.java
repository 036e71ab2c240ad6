package io.mailgate.platform.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgate.platform.Json;

/**
 * Renders a failed exchange as an error body in the dialect of the API family that was called.
 * Client errors are {@link ApiException}s; anything else is our fault, logged, and answered 500
 * without internals.
 */
public class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private final Json json;

    public ErrorResponses(Json json) {
        this.json = json;
    }

    public int extraHorizonStatus(Exception exception) {
        return clientError(exception) instanceof ApiException api ? api.status() : 500;
    }

    public String extraHorizon(Exception exception) {
        Map<String, Object> body = new LinkedHashMap<>();
        Throwable error = clientError(exception);
        logOverload(error);
        if (error instanceof ApiException api) {
            body.put("code", api.errorCode().code());
            body.put("name", api.errorCode().exceptionName());
            body.put("message", api.getMessage());
            body.putAll(api.details());
        } else {
            logUnexpected(exception);
            body.put("code", 1);
            body.put("name", "UNKNOWN_EXCEPTION");
            body.put("message", "An unexpected error occurred");
        }
        return json.write(body);
    }

    public int fidesopsStatus(Exception exception) {
        if (!(clientError(exception) instanceof ApiException api)) {
            return 500;
        }
        return switch (api.errorCode()) {
            case EMPTY_BODY, BODY_FORMAT, MISSING_REQUIRED_FIELDS, FIELD_FORMAT -> 422;
            case NO_PERMISSION -> 403;
            default -> api.status();
        };
    }

    public String fidesops(Exception exception) {
        Throwable error = clientError(exception);
        logOverload(error);
        if (!(error instanceof ApiException api)) {
            logUnexpected(exception);
            return json.write(Map.of("detail", "An unexpected error occurred"));
        }
        Object detail = switch (api.errorCode()) {
            case NOT_AUTHENTICATED, TOKEN_UNKNOWN, TOKEN_EXPIRED -> "Failed to authenticate";
            case AUTHENTICATION_FAILURE -> "Authentication Failure";
            case NO_PERMISSION -> "Not Authorized for this action";
            case LOGIN_FREEZE -> api.getMessage();
            case EMPTY_BODY, BODY_FORMAT, MISSING_REQUIRED_FIELDS, FIELD_FORMAT, VALIDATION -> List.of(Map.of(
                    "loc", api.location().isEmpty() ? List.of("body") : api.location(),
                    "msg", api.getMessage(),
                    "type", "value_error"));
            default -> api.details().getOrDefault("errors", api.getMessage());
        };
        return json.write(Map.of("detail", detail));
    }

    /** Seconds a throttled client should wait (a 429), for the Retry-After header; null otherwise. */
    public String retryAfter(Exception exception) {
        return clientError(exception) instanceof ApiException api && api.details().get("retry_after") != null
                ? String.valueOf(api.details().get("retry_after")) : null;
    }

    /** fidesops (FastAPI) asks the client to authenticate with a bearer token on every 401. */
    public String fidesopsAuthenticateHeader(Exception exception) {
        return clientError(exception) instanceof ApiException api && api.status() == 401 ? "Bearer" : null;
    }

    /**
     * Camel wraps what a bean throws (in a bean expression, a type conversion ...): find our error inside.
     * A database that cannot be reached (no connection within the pool's timeout, a connection
     * refused or lost) is not the client's fault nor a bug: it becomes a 503 with Retry-After.
     */
    static Throwable clientError(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof ApiException) {
                return t;
            }
            if (databaseUnavailable(t)) {
                return DATABASE_UNAVAILABLE;
            }
            if (t instanceof OutOfMemoryError || t.getMessage() != null && t.getMessage().contains("OutOfMemoryError")) {
                return OVERLOADED;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return exception;
    }

    private static final ApiException OVERLOADED = new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
            "Mailgate is short of memory; try again shortly", Map.of("retry_after", 5), List.of());

    private static final ApiException DATABASE_UNAVAILABLE = new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
            "The database cannot be reached; try again shortly", Map.of("retry_after", 5), List.of());

    /** SQLSTATE class 08 is "connection exception"; a pool that gave no connection in time throws the transient kind. */
    private static boolean databaseUnavailable(Throwable t) {
        return t instanceof java.sql.SQLException sql && io.mailgate.platform.db.BrokenConnections.isBroken(sql);
    }

    /** Once per answer (the status, body and Retry-After each classify the same error). */
    private static void logOverload(Throwable error) {
        if (error == OVERLOADED) {
            LOG.warn("Out of memory while answering a request: answered 503");
        }
    }

    private static void logUnexpected(Exception exception) {
        LOG.error("Request failed unexpectedly", exception);
    }
}
