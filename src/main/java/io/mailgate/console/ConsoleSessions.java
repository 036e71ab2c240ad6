package io.mailgate.console;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.Json;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.Bodies;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.security.Principal;
import io.mailgate.security.SignIn;

/** Signing in and out of the console, and who is signed in (with the scopes that decide what it shows). */
public class ConsoleSessions {

    private static final Set<String> FIELDS = Set.of("username", "password", "client_id", "client_secret");

    private final Json json;
    private final SignIn signIn;
    private final ConsoleCookies cookies;

    public ConsoleSessions(Json json, SignIn signIn, ConsoleCookies cookies) {
        this.json = json;
        this.signIn = signIn;
        this.cookies = cookies;
    }

    /** {"username","password"} of an API user, or {"client_id","client_secret"} of an API client. */
    public SignIn.Session signIn(Object body, Object remote) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.validation(List.of("body", name), "extra fields not permitted");
            }
        }
        if (root.hasNonNull("username") || root.hasNonNull("password")) {
            return signIn.user(text(root, "username"), text(root, "password"), remote);
        }
        return signIn.client(text(root, "client_id"), text(root, "client_secret"), remote);
    }

    /** The new session as the console sees it: who, the scopes and the CSRF token (never the token itself). */
    public String view(SignIn.Session session) {
        return json.write(view(session.principal(), session.name(), session.token()));
    }

    /** GET /console/api/session: the session of the request's cookie (401 without one). */
    public String current(Object authorization) {
        String token = bearer(authorization);
        Principal principal = signIn.principal(token)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_AUTHENTICATED, "Not signed in"));
        return json.write(view(principal, signIn.name(principal), token));
    }

    public void signOut(Object authorization) {
        signIn.signOut(bearer(authorization));
    }

    private Map<String, Object> view(Principal principal, String name, String token) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        view.put("client_id", principal.clientId());
        view.put("user_id", principal.userId());
        view.put("scopes", principal.scopes().stream().sorted().toList());
        view.put("csrf_token", cookies.csrf(token));
        return view;
    }

    private static String bearer(Object authorization) {
        if (authorization instanceof String header && header.regionMatches(true, 0, "bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        throw new ApiException(ErrorCode.NOT_AUTHENTICATED, "Not signed in");
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw ApiException.validation(List.of("body", field), "field required");
        }
        return value.asText();
    }
}
