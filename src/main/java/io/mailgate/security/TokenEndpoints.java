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
    private final Users users;
    private final LoginThrottle throttle;
    private final Json json;

    public TokenEndpoints(Clients clients, Tokens tokens, Users users, LoginThrottle throttle, Json json) {
        this.clients = clients;
        this.tokens = tokens;
        this.users = users;
        this.throttle = throttle;
        this.json = json;
    }

    /** fidesops: form fields (or HTTP Basic) in, bearer token out; wrong secrets count against the client. */
    public String fidesopsToken(Object body, Object authorization, Object remote) {
        Map<String, String> fields = formOrJson(body);
        Credentials credentials = credentials(fields, authorization);
        if (credentials.clientId() == null || credentials.clientSecret() == null) {
            String missing = credentials.clientId() == null ? "client_id" : "client_secret";
            throw ApiException.validation(List.of("body", missing), "field required");
        }
        String subject = LoginThrottle.client(credentials.clientId());
        String address = LoginThrottle.address(remote);
        throttle.check(subject, address);
        Principal principal = clients.authenticate(credentials.clientId(), credentials.clientSecret()).orElseThrow(() -> {
            throttle.failed(subject, address);
            return new ApiException(ErrorCode.AUTHENTICATION_FAILURE, "Authentication Failure");
        });
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", tokens.issueAccess(principal));
        answer.put("token_type", "bearer");
        answer.put("expires_in", tokens.accessTtlSeconds());
        return json.write(answer);
    }

    /**
     * Extra Horizon: the password, refresh_token or client_credentials grant, JSON or form. Every grant
     * authenticates the client (body fields or HTTP Basic); a refresh token only works for the client
     * it was issued to (RFC 6749 §6); a user's token holds the user's scopes that the client also holds.
     */
    public String extraHorizonToken(Object body, Object authorization, Object remote) {
        Map<String, String> fields = formOrJson(body);
        String grant = fields.get("grant_type");
        if (grant == null) {
            throw missing("grant_type");
        }
        if (!List.of("password", "refresh_token", "client_credentials").contains(grant)) {
            throw new ApiException(ErrorCode.UNSUPPORTED_GRANT, "grant_type must be password, refresh_token or client_credentials",
                    Map.of("error", "unsupported_grant_type"), List.of("body", "grant_type"));
        }
        String address = LoginThrottle.address(remote);
        Principal client = authenticateClient(credentials(fields, authorization), address);
        Principal principal = switch (grant) {
            case "password" -> passwordGrant(client, fields, address);
            case "refresh_token" -> refreshGrant(client, fields);
            default -> client;
        };
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", tokens.issueAccess(principal));
        answer.put("token_type", "bearer");
        answer.put("expires_in", tokens.accessTtlSeconds());
        answer.put("refresh_token", tokens.issueRefresh(principal));
        if (principal.userId() != null) {
            answer.put("user_id", principal.userId());
        }
        answer.put("application_id", principal.clientId());
        return json.write(answer);
    }

    private Principal authenticateClient(Credentials credentials, String address) {
        if (credentials.clientId() == null || credentials.clientSecret() == null) {
            throw missing(credentials.clientId() == null ? "client_id" : "client_secret");
        }
        String subject = LoginThrottle.client(credentials.clientId());
        throttle.check(subject, address);
        return clients.authenticate(credentials.clientId(), credentials.clientSecret()).orElseThrow(() -> {
            throttle.failed(subject, address);
            return oauthError(ErrorCode.AUTHENTICATION_FAILURE, "invalid_client", "The client credentials are wrong");
        });
    }

    private Principal passwordGrant(Principal client, Map<String, String> fields, String address) {
        String username = fields.get("username");
        String password = fields.get("password");
        if (username == null || password == null) {
            throw missing(username == null ? "username" : "password");
        }
        if (username.length() > 255 || password.length() > 1000) {
            throw oauthError(ErrorCode.AUTHENTICATION_FAILURE, "invalid_grant", "This password email combination is unknown");
        }
        String userSubject = LoginThrottle.user(Users.normalize(username));
        String clientSubject = LoginThrottle.client(client.clientId());
        throttle.check(userSubject, clientSubject, address);
        Users.User user = users.authenticate(username, password).orElse(null);
        if (user == null) {
            throttle.failed(userSubject, clientSubject, address);
            throw oauthError(ErrorCode.AUTHENTICATION_FAILURE, "invalid_grant", "This password email combination is unknown");
        }
        throttle.succeeded(userSubject);
        return new Principal(client.clientId(), user.id(), intersection(user.scopes(), client.scopes()));
    }

    private Principal refreshGrant(Principal client, Map<String, String> fields) {
        String refresh = fields.get("refresh_token");
        if (refresh == null) {
            throw missing("refresh_token");
        }
        Tokens.Lookup lookup = tokens.lookup(refresh, Tokens.REFRESH);
        if (lookup.principal().isEmpty() || lookup.expired()) {
            throw oauthError(ErrorCode.AUTHENTICATION_FAILURE, "invalid_grant", "The refresh token is unknown or expired");
        }
        Principal holder = lookup.principal().get();
        if (!holder.clientId().equals(client.clientId())) {
            // RFC 6749 §6: a refresh token only works for the client it was issued to. Not revoked: its
            // owner may still use it.
            throw oauthError(ErrorCode.AUTHENTICATION_FAILURE, "invalid_grant", "The refresh token was issued to another client");
        }
        if (!tokens.revoke(refresh)) {
            throw oauthError(ErrorCode.AUTHENTICATION_FAILURE, "invalid_grant", "The refresh token is unknown or expired");
        }
        if (holder.userId() == null) {
            return client;
        }
        Users.User user = users.find(holder.userId()).orElseThrow(() ->
                oauthError(ErrorCode.AUTHENTICATION_FAILURE, "invalid_grant", "The user of this refresh token no longer exists"));
        return new Principal(client.clientId(), user.id(), intersection(user.scopes(), client.scopes()));
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> both = new LinkedHashSet<>(a);
        both.retainAll(b);
        return both;
    }

    /** An OAuth error with Extra Horizon's code and name too: {"error","description","code","name","message"}. */
    private static ApiException oauthError(ErrorCode code, String error, String description) {
        return new ApiException(code, description, Map.of("error", error, "description", description), List.of());
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
