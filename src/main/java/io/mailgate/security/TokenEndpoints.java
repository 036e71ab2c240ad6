package io.mailgate.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.Json;

/** The OAuth token and client endpoints of both API families. */
public class TokenEndpoints {

    private final Clients clients;
    private final Tokens tokens;
    private final Json json;

    public TokenEndpoints(Clients clients, Tokens tokens, Json json) {
        this.clients = clients;
        this.tokens = tokens;
        this.json = json;
    }

    /** fidesops: form fields (or HTTP Basic) in, bearer token out. */
    public String fidesopsToken(Object body, Object authorization) {
        Map<String, String> fields = formOrJson(body);
        Credentials credentials = credentials(fields, authorization);
        if (credentials.clientId() == null || credentials.clientSecret() == null) {
            String missing = credentials.clientId() == null ? "client_id" : "client_secret";
            throw ApiException.validation(List.of("body", missing), "field required");
        }
        Principal principal = clients.authenticate(credentials.clientId(), credentials.clientSecret())
                .orElseThrow(() -> new ApiException(ErrorCode.AUTHENTICATION_FAILURE, "Authentication Failure"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", tokens.issueAccess(principal));
        answer.put("token_type", "bearer");
        answer.put("expires_in", tokens.accessTtlSeconds());
        return json.write(answer);
    }

    /** Extra Horizon: client_credentials or refresh_token grant, JSON or form. */
    public String extraHorizonToken(Object body, Object authorization) {
        Map<String, String> fields = formOrJson(body);
        String grant = fields.get("grant_type");
        Principal principal;
        if ("refresh_token".equals(grant)) {
            String refresh = fields.get("refresh_token");
            if (refresh == null) {
                throw missing("refresh_token");
            }
            Tokens.Lookup lookup = tokens.lookup(refresh, Tokens.REFRESH);
            if (lookup.principal().isEmpty() || lookup.expired() || !tokens.revoke(refresh)) {
                throw new ApiException(ErrorCode.AUTHENTICATION_FAILURE, "The refresh token is unknown or expired");
            }
            principal = lookup.principal().get();
        } else if ("client_credentials".equals(grant)) {
            Credentials credentials = credentials(fields, authorization);
            if (credentials.clientId() == null || credentials.clientSecret() == null) {
                throw missing(credentials.clientId() == null ? "client_id" : "client_secret");
            }
            principal = clients.authenticate(credentials.clientId(), credentials.clientSecret())
                    .orElseThrow(() -> new ApiException(ErrorCode.AUTHENTICATION_FAILURE, "The client credentials are wrong"));
        } else if (grant == null) {
            throw missing("grant_type");
        } else {
            throw ApiException.fieldFormat("grant_type",
                    "grant_type must be client_credentials or refresh_token: Mailgate has clients, not users");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", tokens.issueAccess(principal));
        answer.put("token_type", "bearer");
        answer.put("expires_in", tokens.accessTtlSeconds());
        answer.put("refresh_token", tokens.issueRefresh(principal));
        return json.write(answer);
    }

    /** fidesops: a JSON array of scopes in, new client credentials out. A client cannot grant scopes it lacks. */
    public String createClient(Object body, Principal creator) {
        JsonNode node = Bodies.json(json.mapper(), body);
        if (!node.isArray()) {
            throw ApiException.validation(List.of("body"), "value is not a valid list of scopes");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode scope = node.get(i);
            if (!scope.isTextual() || !Scopes.ALL.contains(scope.asText())) {
                throw ApiException.validation(List.of("body", String.valueOf(i)),
                        "Invalid Scope. Scope must be one of " + String.join(", ", Scopes.ALL.stream().sorted().toList()));
            }
            scopes.add(scope.asText());
        }
        if (!creator.scopes().containsAll(scopes)) {
            throw new ApiException(ErrorCode.NO_PERMISSION, "A client can only grant scopes it holds");
        }
        Clients.Credentials credentials = clients.create(scopes);
        return json.write(Map.of("client_id", credentials.clientId(), "client_secret", credentials.clientSecret()));
    }

    public void deleteClient(String clientId) {
        if (clientId == null || !clients.delete(clientId)) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No client found with id " + clientId);
        }
    }

    private Map<String, String> formOrJson(Object body) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body instanceof Map<?, ?> form) {
            form.forEach((key, value) -> {
                if (value instanceof String text) {
                    fields.put(String.valueOf(key), text);
                }
            });
            return fields;
        }
        if (Bodies.text(body).isBlank()) {
            return fields;
        }
        JsonNode node = Bodies.jsonObject(json.mapper(), body);
        node.fields().forEachRemaining(field -> {
            if (field.getValue().isTextual()) {
                fields.put(field.getKey(), field.getValue().asText());
            }
        });
        return fields;
    }

    /** Body fields first, then HTTP Basic (RFC 6749 allows either). */
    private static Credentials credentials(Map<String, String> fields, Object authorization) {
        String id = fields.get("client_id");
        String secret = fields.get("client_secret");
        if ((id == null || secret == null) && authorization instanceof String header
                && header.regionMatches(true, 0, "basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    id = decoded.substring(0, colon);
                    secret = decoded.substring(colon + 1);
                }
            } catch (IllegalArgumentException e) {
                throw new ApiException(ErrorCode.AUTHENTICATION_FAILURE, "Authentication Failure");
            }
        }
        return new Credentials(emptyToNull(id), emptyToNull(secret));
    }

    private static ApiException missing(String field) {
        return new ApiException(ErrorCode.MISSING_REQUIRED_FIELDS, "Missing required field " + field,
                Map.of("missingFields", List.of(field)), List.of("body", field));
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private record Credentials(String clientId, String clientSecret) {
    }
}
