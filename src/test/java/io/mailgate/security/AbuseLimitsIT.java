package io.mailgate.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.support.Api;
import io.mailgate.support.Inbox;
import io.mailgate.support.MailgateInstance;

/**
 * Brute force and mail-bombing from one address are throttled with the shipped kinds of limits: wrong
 * secrets for many client ids lock the address out (even the right secret waits, on both token
 * endpoints), and a hundred public privacy requests for one victim send it three verification mails.
 */
class AbuseLimitsIT {

    @Test
    void guessingFromOneAddressIsLockedOutOnBothTokenEndpoints() {
        try (MailgateInstance mailgate = MailgateInstance.start(Map.of("mailgate.security.address-max-failures", "10"))) {
            Api api = mailgate.api();
            for (int i = 0; i < 10; i++) {
                // A different client id each time: no single client reaches its own limit, the address does.
                Api.Response wrong = api.postForm("/api/v1/oauth/token", Map.of("client_id", "guess-" + i,
                        "client_secret", "wrong-" + UUID.randomUUID()));
                assertEquals(401, wrong.status(), wrong.body());
            }
            Api.Response locked = api.postForm("/api/v1/oauth/token", Map.of("client_id", Api.ROOT_ID, "client_secret",
                    Api.ROOT_SECRET));
            assertEquals(429, locked.status(), "the right secret from a guessing address still waits: " + locked.body());
            assertTrue(retryAfter(locked) >= 1, locked.headers().toString());
            Api.Response extraHorizon = api.postJson("/auth/v2/oauth2/tokens", null, Map.of("grant_type", "client_credentials",
                    "client_id", Api.ROOT_ID, "client_secret", Api.ROOT_SECRET));
            assertEquals(429, extraHorizon.status(), extraHorizon.body());
            assertEquals("LOGIN_FREEZE_EXCEPTION", extraHorizon.json().get("name").asText());
        }
    }

    @Test
    void oneIdentityGetsAtMostThreeVerificationMailsAndOneAddressAtMostItsRequests() throws Exception {
        try (Inbox inbox = Inbox.start();
             MailgateInstance mailgate = MailgateInstance.start(Map.of(
                     "mailgate.privacy.identity-verification-required", "true",
                     "mailgate.privacy.verification-mails-per-identity", "3",
                     "mailgate.security.address-max-failures", "40",
                     "mailgate.smtp.host", "127.0.0.1", "mailgate.smtp.port", Integer.toString(inbox.port())))) {
            Api api = mailgate.api();
            String root = api.rootToken();
            api.send(api.request("/api/v1/policy", root).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(Api.write(List.of(Map.of("name", "Bomb", "key", "bomb"))))));
            int succeeded = 0;
            int refused = 0;
            for (int i = 0; i < 30; i++) {
                JsonNode answer = api.postJson("/api/v1/privacy-request", null, List.of(Map.of("policy_key", "bomb",
                        "identity", Map.of("email", "victim@example.com")))).json();
                succeeded += answer.get("succeeded").size();
                refused += answer.get("failed").size();
                if (answer.get("failed").size() == 1) {
                    assertTrue(answer.get("failed").get(0).get("message").asText().startsWith("Too many privacy requests"),
                            answer.toString());
                }
            }
            assertEquals(3, succeeded, "three requests (and mails) for one identity within the hour");
            assertEquals(27, refused);
            Thread.sleep(2_000);
            assertEquals(3, inbox.count("victim@example.com", "Your one-time code"), "the victim got three mails, not thirty");

            // Other identities from the same address: the address's own limit (40 requests in all) ends it.
            int status = 200;
            for (int i = 0; i < 20 && status == 200; i++) {
                status = api.postJson("/api/v1/privacy-request", null, List.of(Map.of("policy_key", "bomb",
                        "identity", Map.of("email", "other" + i + "@example.com")))).status();
            }
            assertEquals(429, status, "an address that floods the public endpoint waits");
        }
    }

    private static long retryAfter(Api.Response response) {
        return response.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                .map(h -> Long.parseLong(h.getValue().get(0))).findFirst().orElse(0L);
    }
}
