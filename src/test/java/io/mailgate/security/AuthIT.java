package io.mailgate.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/** Token and client endpoints of both API families, with their error dialects. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {

    private MailgateInstance mailgate;
    private Api api;

    @BeforeAll
    void start() {
        mailgate = MailgateInstance.start(Map.of("mailgate.security.token-ttl-seconds", "2"));
        api = mailgate.api();
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
    }

    @Test
    void theRootClientGetsABearerTokenWithFormFieldsOrBasicAuth() {
        Api.Response form = api.postForm("/api/v1/oauth/token", Map.of("client_id", Api.ROOT_ID, "client_secret", Api.ROOT_SECRET));
        assertEquals(200, form.status(), form.body());
        assertEquals("bearer", form.json().get("token_type").asText());
        assertEquals(2, form.json().get("expires_in").asInt());
        String basic = Base64.getEncoder().encodeToString((Api.ROOT_ID + ":" + Api.ROOT_SECRET).getBytes(StandardCharsets.UTF_8));
        Api.Response withBasic = api.postForm("/api/v1/oauth/token", Map.of(), "Authorization", "Basic " + basic);
        assertEquals(200, withBasic.status(), withBasic.body());
        assertNotEquals(form.json().get("access_token").asText(), withBasic.json().get("access_token").asText());
    }

    @Test
    void wrongCredentialsAreRefusedInTheFidesopsDialect() {
        Api.Response wrong = api.postForm("/api/v1/oauth/token", Map.of("client_id", Api.ROOT_ID, "client_secret", "nope"));
        assertEquals(401, wrong.status());
        assertEquals("Authentication Failure", wrong.json().get("detail").asText());
        Api.Response unknown = api.postForm("/api/v1/oauth/token", Map.of("client_id", "x' OR '1'='1", "client_secret", "x"));
        assertEquals(401, unknown.status());
        Api.Response missing = api.postForm("/api/v1/oauth/token", Map.of("client_id", Api.ROOT_ID));
        assertEquals(422, missing.status(), missing.body());
        assertEquals("client_secret", missing.json().get("detail").get(0).get("loc").get(1).asText());
        Api.Response badBasic = api.postForm("/api/v1/oauth/token", Map.of(), "Authorization", "Basic !!!");
        assertEquals(401, badBasic.status());
    }

    @Test
    void aCreatedClientHoldsExactlyItsScopesAndLosesItsTokensWhenDeleted() {
        String root = api.rootToken();
        Api.Response created = api.postJson("/api/v1/oauth/client", root, List.of("mail:read"));
        assertEquals(200, created.status(), created.body());
        String clientId = created.json().get("client_id").asText();
        String token = api.token(clientId, created.json().get("client_secret").asText());

        assertEquals(200, api.get("/mail/v1/", token).status());
        Api.Response forbidden = api.postJson("/mail/v1/", token, Map.of());
        assertEquals(401, forbidden.status(), "Extra Horizon answers NO_PERMISSION with 401");
        assertEquals(10, forbidden.json().get("code").asInt());
        Api.Response noClientScope = api.postJson("/api/v1/oauth/client", token, List.of("mail:read"));
        assertEquals(403, noClientScope.status());
        assertEquals("Not Authorized for this action", noClientScope.json().get("detail").asText());

        Api.Response deleted = api.delete("/api/v1/oauth/client/" + clientId, root);
        assertEquals(204, deleted.status(), deleted.body());
        Api.Response revoked = api.get("/mail/v1/", token);
        assertEquals(401, revoked.status());
        assertEquals(117, revoked.json().get("code").asInt());
        assertEquals(404, api.delete("/api/v1/oauth/client/" + clientId, root).status());
    }

    @Test
    void clientCreationRefusesUnknownScopesAndScopesTheCreatorLacks() {
        String root = api.rootToken();
        Api.Response unknown = api.postJson("/api/v1/oauth/client", root, List.of("mail:send", "everything"));
        assertEquals(422, unknown.status(), unknown.body());
        assertTrue(unknown.json().get("detail").get(0).get("msg").asText().contains("Invalid Scope"));
        assertEquals(422, api.postJson("/api/v1/oauth/client", root, "{\"scopes\":[]}").status());
        assertEquals(422, api.postJson("/api/v1/oauth/client", root, "not json").status());
        assertEquals(422, api.postJson("/api/v1/oauth/client", root, "").status());
        assertEquals(422, api.postJson("/api/v1/oauth/client", root, "[42]").status());

        String creator = api.tokenWithScopes("client:create", "mail:read");
        assertEquals(200, api.postJson("/api/v1/oauth/client", creator, List.of("mail:read")).status());
        Api.Response escalation = api.postJson("/api/v1/oauth/client", creator, List.of("mail:send"));
        assertEquals(403, escalation.status(), escalation.body());
    }

    @Test
    void fidesopsRoutesAnswerAuthErrorsInTheirDialect() {
        for (Api.Response response : List.of(
                api.postJson("/api/v1/oauth/client", null, List.of("mail:read")),
                api.postJson("/api/v1/oauth/client", "unknown-token", List.of("mail:read")),
                api.delete("/api/v1/oauth/client/abc", null))) {
            assertEquals(401, response.status(), response.body());
            assertEquals("Failed to authenticate", response.json().get("detail").asText());
            assertEquals("Bearer", response.header("WWW-Authenticate"));
        }
        String reader = api.tokenWithScopes("mail:read");
        assertEquals(403, api.delete("/api/v1/oauth/client/abc", reader).status());
    }

    @Test
    void extraHorizonClientsGetAccessAndSingleUseRefreshTokens() {
        Api.Response issued = api.postJson("/auth/v2/oauth2/tokens", null, Map.of(
                "grant_type", "client_credentials", "client_id", Api.ROOT_ID, "client_secret", Api.ROOT_SECRET));
        assertEquals(200, issued.status(), issued.body());
        JsonNode tokens = issued.json();
        assertEquals("bearer", tokens.get("token_type").asText());
        assertEquals(200, api.get("/mail/v1/", tokens.get("access_token").asText()).status());

        assertEquals(Api.ROOT_ID, tokens.get("application_id").asText());
        assertFalse(tokens.has("user_id"), "a client's own token acts for no user");

        Api.Response refreshed = api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asText(), "client_id", Api.ROOT_ID, "client_secret", Api.ROOT_SECRET));
        assertEquals(200, refreshed.status(), refreshed.body());
        assertEquals(200, api.get("/mail/v1/", refreshed.json().get("access_token").asText()).status());
        Api.Response reused = api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "refresh_token",
                "refresh_token", tokens.get("refresh_token").asText(), "client_id", Api.ROOT_ID, "client_secret", Api.ROOT_SECRET));
        assertEquals(401, reused.status());
        Api.Response withoutClient = api.postJson("/auth/v2/oauth2/tokens", null, Map.of(
                "grant_type", "refresh_token", "refresh_token", refreshed.json().get("refresh_token").asText()));
        assertEquals(400, withoutClient.status(), "every grant authenticates the client");
        assertEquals(14, withoutClient.json().get("code").asInt());

        Api.Response wrong = api.postJson("/auth/v2/oauth2/tokens", null, Map.of(
                "grant_type", "client_credentials", "client_id", Api.ROOT_ID, "client_secret", "nope"));
        assertEquals(401, wrong.status());
        assertTrue(wrong.json().has("code"));
        assertEquals(400, api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "password",
                "username", "a", "password", "b")).status(), "no client credentials");
        Api.Response unsupported = api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "implicit"));
        assertEquals(400, unsupported.status());
        assertEquals(121, unsupported.json().get("code").asInt());
        assertEquals("unsupported_grant_type", unsupported.json().get("error").asText());
        assertEquals(400, api.postJson("/auth/v2/oauth2/tokens", null, Map.of("client_id", "a")).status());
        assertEquals(400, api.postJson("/auth/v2/oauth2/tokens", null, "{").status());
    }

    @Test
    void anExpiredTokenIsAnsweredWithCode118() {
        String token = api.rootToken();
        Waiter.until(Duration.ofSeconds(10), "the token to expire", () -> api.get("/mail/v1/", token).status() == 401);
        Api.Response expired = api.get("/mail/v1/", token);
        assertEquals(118, expired.json().get("code").asInt());
        assertEquals("ACCESS_TOKEN_EXPIRED_EXCEPTION", expired.json().get("name").asText());
    }

    @Test
    void hostileAuthorizationHeadersAreClientErrors() {
        for (String header : List.of("Bearer", "Bearer ", "bearer x y", "Bearer " + "a".repeat(5000), "Bearer ' OR 1=1 --",
                "Token abc", "Bearer \u00ff\u00fe")) {
            Api.Response response = api.send(api.request("/mail/v1/", null).header("Authorization", header).GET());
            assertEquals(401, response.status(), header + " -> " + response.body());
        }
        Api.Response twice = api.send(api.request("/mail/v1/", api.rootToken())
                .header("Authorization", "Bearer other").GET());
        assertEquals(401, twice.status(), "a token given twice is not accepted");
    }

    @Test
    void secretsNeverAppearInResponses() {
        Api.Response created = api.postJson("/api/v1/oauth/client", api.rootToken(), List.of("mail:read"));
        String secret = created.json().get("client_secret").asText();
        Api.Response token = api.postForm("/api/v1/oauth/token",
                Map.of("client_id", created.json().get("client_id").asText(), "client_secret", secret));
        assertFalse(token.body().contains(secret));
        assertTrue(token.headers().keySet().stream().noneMatch(h -> h.equalsIgnoreCase("client_secret")));
        HttpRequest.Builder any = api.request("/mail/v1/health", null);
        assertEquals(200, api.send(any.GET()).status());
    }
}
