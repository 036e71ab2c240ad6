package io.mailgate.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/**
 * API users: the fidesops user API, Extra Horizon's password grant (the SDK's authenticate), refresh
 * tokens bound to their client, and throttled failed logins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserLoginIT {

    private static final String PASSWORD = "Correct-horse-9";
    private static final int MAX_FAILURES = 3;

    private MailgateInstance mailgate;
    private Api api;
    private String root;

    @BeforeAll
    void start() {
        mailgate = MailgateInstance.start(Map.of("mailgate.security.login-max-failures", String.valueOf(MAX_FAILURES),
                "mailgate.security.login-lockout-seconds", "2"));
        api = mailgate.api();
        root = api.rootToken();
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
    }

    @Test
    void theSdksPasswordGrantLogsAUserInWithTheScopesBothUserAndClientHold() {
        String userId = user("ann-" + tag(), List.of("mail:read", "template:read"));
        JsonNode client = client(List.of("mail:read", "mail:send"));
        Api.Response login = passwordGrant(client, usernameOf(userId), PASSWORD);
        assertEquals(200, login.status(), login.body());
        assertEquals(userId, login.json().get("user_id").asText());
        assertEquals(client.get("client_id").asText(), login.json().get("application_id").asText());
        String access = login.json().get("access_token").asText();
        assertEquals(200, api.get("/mail/v1/", access).status(), "mail:read: the user and the client hold it");
        Api.Response templates = api.get("/templates/v2/", access);
        assertEquals(401, templates.status(), "template:read: the user holds it, the client does not");
        assertEquals(10, templates.json().get("code").asInt());
        assertEquals(401, api.postJson("/mail/v1/", access, Map.of()).status(), "mail:send: the client holds it, the user does not");

        Api.Response basic = api.send(api.request("/auth/v2/oauth2/tokens", null).header("Content-Type", "application/json")
                .header("Authorization", "Basic " + basic(client.get("client_id").asText(), client.get("client_secret").asText()))
                .POST(HttpRequest.BodyPublishers.ofString(Api.write(Map.of("grant_type", "password",
                        "username", usernameOf(userId).toUpperCase(), "password", PASSWORD)))));
        assertEquals(200, basic.status(), "HTTP Basic client credentials, as the SDK sends them; user names ignore case");
    }

    @Test
    void aRefreshTokenWorksOnlyForTheClientItWasIssuedToAndItsSecret() {
        String userId = user("bob-" + tag(), List.of("mail:read"));
        JsonNode client = client(List.of("mail:read"));
        JsonNode other = client(List.of("mail:read"));
        String refresh = passwordGrant(client, usernameOf(userId), PASSWORD).json().get("refresh_token").asText();

        assertEquals(401, refreshGrant(other.get("client_id").asText(), other.get("client_secret").asText(), refresh).status(),
                "another client's credentials");
        assertEquals(401, refreshGrant(client.get("client_id").asText(), "wrong-secret", refresh).status(), "a wrong secret");
        assertEquals(401, refreshGrant("no-such-client", "whatever", refresh).status(), "an unknown client");
        assertEquals(400, api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "refresh_token",
                "refresh_token", refresh, "client_id", client.get("client_id").asText())).status(), "no secret");

        Api.Response refreshed = refreshGrant(client.get("client_id").asText(), client.get("client_secret").asText(), refresh);
        assertEquals(200, refreshed.status(), "refused attempts did not burn the owner's token: " + refreshed.body());
        assertEquals(userId, refreshed.json().get("user_id").asText());
        assertEquals(200, api.get("/mail/v1/", refreshed.json().get("access_token").asText()).status());
        assertEquals(401, refreshGrant(client.get("client_id").asText(), client.get("client_secret").asText(), refresh).status(),
                "single use");
    }

    @Test
    void failedLoginsAreThrottledPerUserNameWithRetryAfter() {
        String userId = user("cid-" + tag(), List.of("mail:read"));
        JsonNode client = client(List.of("mail:read"));
        String name = usernameOf(userId);
        for (int i = 0; i < MAX_FAILURES; i++) {
            Api.Response wrong = passwordGrant(client, name, "Wrong-password-" + i);
            assertEquals(401, wrong.status(), wrong.body());
            assertEquals(106, wrong.json().get("code").asInt());
            assertEquals("invalid_grant", wrong.json().get("error").asText());
        }
        Api.Response locked = passwordGrant(client, name, PASSWORD);
        assertEquals(429, locked.status(), "locked: even the right password waits");
        assertEquals(212, locked.json().get("code").asInt());
        int retryAfter = Integer.parseInt(locked.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
        Api.Response fidesops = api.postJson("/api/v1/login", null, Map.of("username", name, "password", base64(PASSWORD)));
        assertEquals(429, fidesops.status(), "the same user name, through the other API");
        assertTrue(fidesops.header("Retry-After") != null);

        Waiter.until(Duration.ofSeconds(10), "the lockout to end", () -> passwordGrant(client, name, PASSWORD).status() == 200);
        assertEquals(401, passwordGrant(client, name, "Wrong-again-1").status(), "a success starts the count again");
    }

    @Test
    void aClientIsThrottledAfterManyFailuresWhateverTheUserName() {
        JsonNode client = client(List.of("mail:read"));
        int clientLimit = MAX_FAILURES * 10;
        for (int i = 0; i < clientLimit; i++) {
            assertEquals(401, passwordGrant(client, "nobody-" + i + "-" + tag(), "Wrong-password-1").status());
        }
        Api.Response locked = passwordGrant(client, "someone-else-" + tag(), "Wrong-password-1");
        assertEquals(429, locked.status(), locked.body());
        assertTrue(locked.header("Retry-After") != null);
        JsonNode another = client(List.of("mail:read"));
        assertEquals(401, passwordGrant(another, "nobody-else-" + tag(), "Wrong-password-1").status(), "other clients go on");
    }

    @Test
    void usersAreManagedTheFidesopsWay() {
        String name = "dora-" + tag();
        Api.Response created = api.postJson("/api/v1/user", root, Map.of("username", name, "password", base64(PASSWORD),
                "first_name", "Dora", "last_name", "Explorer"));
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();
        assertEquals(400, api.postJson("/api/v1/user", root, Map.of("username", name, "password", base64(PASSWORD))).status(),
                "user names are unique");
        for (String weak : List.of("Short-1", "no-capital-1", "NO-LOWER-1", "No-number-x", "Nosymbol123")) {
            Api.Response refused = api.postJson("/api/v1/user", root, Map.of("username", "weak-" + tag(), "password", base64(weak)));
            assertEquals(422, refused.status(), weak + ": " + refused.body());
        }
        assertEquals(422, api.postJson("/api/v1/user", root, Map.of("username", "x " + tag(), "password", base64(PASSWORD))).status());
        assertEquals(422, api.postJson("/api/v1/user", root, Map.of("username", "plain-" + tag(), "password", "%%%")).status());
        assertEquals(422, api.postJson("/api/v1/user", root, Map.of("username", "extra-" + tag(), "password", base64(PASSWORD),
                "scopes", List.of("mail:read"))).status());

        JsonNode page = api.get("/api/v1/user?username=" + name + "&page=1&size=10", root).json();
        assertEquals(1, page.get("total").asInt());
        assertEquals("Dora", page.get("items").get(0).get("first_name").asText());
        assertFalse(page.get("items").get(0).has("password_hash"));
        assertEquals(name, api.get("/api/v1/user/" + id, root).json().get("username").asText());

        Api.Response permissions = api.postJson("/api/v1/user/" + id + "/permission", root, Map.of("scopes", List.of("mail:read")));
        assertEquals(201, permissions.status(), permissions.body());
        assertEquals(400, api.postJson("/api/v1/user/" + id + "/permission", root, Map.of("scopes", List.of("mail:read"))).status());
        assertEquals(422, api.send(api.request("/api/v1/user/" + id + "/permission", root).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Api.write(Map.of("scopes", List.of("mail:everything")))))).status());
        String weakGranter = api.tokenWithScopes("user-permission:update");
        assertEquals(403, api.send(api.request("/api/v1/user/" + id + "/permission", weakGranter).header("Content-Type",
                "application/json").PUT(HttpRequest.BodyPublishers.ofString(Api.write(Map.of("scopes", List.of("mail:read")))))).status(),
                "a caller cannot grant a scope it lacks");

        Api.Response login = api.postJson("/api/v1/login", null, Map.of("username", name, "password", base64(PASSWORD)));
        assertEquals(200, login.status(), login.body());
        assertEquals(id, login.json().get("user_data").get("id").asText());
        String token = login.json().get("token_data").get("access_token").asText();
        assertEquals(200, api.get("/mail/v1/", token).status());
        assertEquals(403, api.postJson("/api/v1/login", null, Map.of("username", name, "password", base64("Wrong-password-1"))).status());

        Api.Response changed = api.send(api.request("/api/v1/user/" + id + "/permission", root).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Api.write(Map.of("scopes", List.of("template:read"))))));
        assertEquals(200, changed.status(), changed.body());
        assertEquals(List.of("template:read"), Api.JSON.convertValue(api.get("/api/v1/user/" + id + "/permission", root).json()
                .get("scopes"), List.class));
        assertEquals(401, api.get("/mail/v1/", token).status(), "changed permissions revoke the user's tokens");

        String again = api.postJson("/api/v1/login", null, Map.of("username", name, "password", base64(PASSWORD))).json()
                .get("token_data").get("access_token").asText();
        assertEquals(200, api.get("/templates/v2/", again).status());
        assertEquals(204, api.postJson("/api/v1/logout", again, "").status());
        assertEquals(401, api.get("/templates/v2/", again).status(), "logged out");

        assertEquals(204, api.delete("/api/v1/user/" + id, root).status());
        assertEquals(404, api.get("/api/v1/user/" + id, root).status());
        assertEquals(403, api.postJson("/api/v1/login", null, Map.of("username", name, "password", base64(PASSWORD))).status());
        assertEquals(403, api.get("/api/v1/user", api.tokenWithScopes("mail:read")).status());
    }

    private String user(String name, List<String> scopes) {
        Api.Response created = api.postJson("/api/v1/user", root, Map.of("username", name, "password", base64(PASSWORD)));
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();
        assertEquals(201, api.postJson("/api/v1/user/" + id + "/permission", root, Map.of("scopes", scopes)).status());
        return id;
    }

    private String usernameOf(String id) {
        return api.get("/api/v1/user/" + id, root).json().get("username").asText();
    }

    private JsonNode client(List<String> scopes) {
        Api.Response created = api.postJson("/api/v1/oauth/client", root, scopes);
        assertEquals(200, created.status(), created.body());
        return created.json();
    }

    private Api.Response passwordGrant(JsonNode client, String username, String password) {
        return api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "password", "username", username,
                "password", password, "client_id", client.get("client_id").asText(),
                "client_secret", client.get("client_secret").asText()));
    }

    private Api.Response refreshGrant(String clientId, String secret, String refresh) {
        return api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "refresh_token", "refresh_token", refresh,
                "client_id", clientId, "client_secret", secret));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String basic(String id, String secret) {
        return base64(id + ":" + secret);
    }

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
