package io.mailgate.suppression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/**
 * The suppression list through its API and its effect on delivery, against a real Mailgate and GreenMail:
 * a suppressed address gets nothing, a mail with no one else left ends 'suppressed' (no provider, no dead
 * letter), the global list holds for every client, removing needs its own scope, and every hostile input
 * is a 4xx that changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuppressionIT {

    private GreenMail smtp;
    private MailgateInstance mailgate;
    private Api api;
    private String root;

    @BeforeAll
    void start() {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        mailgate = MailgateInstance.start(Map.of("mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(smtp.getSmtp().getPort())));
        api = mailgate.api();
        root = api.rootToken();
    }

    @AfterAll
    void stop() {
        if (mailgate != null) {
            mailgate.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void aSuppressedAddressGetsNothingAndAMailWithNoOneElseEndsSuppressed() {
        String client = api.tokenWithScopes("mail:send", "mail:read", "suppression:read", "suppression:create");
        String bounced = "bounced-" + UUID.randomUUID() + "@example.com";
        Api.Response added = api.postJson("/api/v1/suppressions", client, Map.of("email", bounced.toUpperCase(),
                "reason", "hard bounce: 550 5.1.1 no such user"));
        assertEquals(200, added.status(), added.body());
        assertEquals(bounced, added.json().get("email").asText(), "kept in lower case");
        assertEquals("api", added.json().get("source").asText());
        assertFalse(added.json().get("global").asBoolean());

        String alone = send(client, List.of(bounced), "To the bounced address only");
        awaitStatus(client, alone, "suppressed");
        // The unsent mails' view says why.
        JsonNode unsent = api.get("/mail/v1/queued?eq(id," + alone + ")", client).json().get("data").get(0);
        assertEquals("suppressed", unsent.get("status").asText());
        assertTrue(unsent.path("failure_reason").asText().contains(bounced + " (hard bounce"), unsent.toString());

        String kept = "kept-" + UUID.randomUUID() + "@example.com";
        String both = send(client, List.of(kept, bounced), "To both");
        JsonNode sent = awaitStatus(client, both, "sent");
        JsonNode refused = sent.get("refused_recipients").get(0);
        assertEquals(bounced, refused.get("address").asText().toLowerCase());
        assertTrue(refused.get("response").asText().startsWith("suppressed: "));
        Waiter.until(Duration.ofSeconds(20), "the mail at the other address", () -> received(kept));
        assertFalse(received(bounced), "nothing reached the suppressed address");

        Api.Response dead = api.get("/api/v1/dead-letters?source=deliver-mail&size=100", root);
        assertFalse(dead.body().contains(alone), "a suppressed mail is not a dead letter");
    }

    @Test
    void theGlobalListHoldsForEveryClientAndRemovingNeedsItsOwnScope() {
        String admin = api.tokenWithScopes("suppression:read", "suppression:create", "suppression:delete");
        String sender = api.tokenWithScopes("mail:send", "mail:read", "suppression:read");
        String complained = "complaint-" + UUID.randomUUID() + "@example.com";
        assertEquals(200, api.postJson("/api/v1/suppressions", admin, Map.of("email", complained, "reason", "complaint",
                "global", true)).status());
        JsonNode listed = api.get("/api/v1/suppressions?email=" + complained.substring(0, 20), sender).json();
        assertEquals(1, listed.get("total").asInt(), listed.toString());
        assertTrue(listed.get("items").get(0).get("global").asBoolean());
        awaitStatus(sender, send(sender, List.of(complained), "Global"), "suppressed");

        assertEquals(403, api.delete("/api/v1/suppressions/" + complained + "?global=true", sender).status(),
                "removing is its own scope");
        assertEquals(404, api.delete("/api/v1/suppressions/" + complained, admin).status(), "not on the client's own list");
        assertEquals(204, api.delete("/api/v1/suppressions/" + complained + "?global=true", admin).status());
        assertEquals(0, api.get("/api/v1/suppressions?email=" + complained, sender).json().get("total").asInt());
        awaitStatus(sender, send(sender, List.of(complained), "After removal"), "sent");
    }

    @Test
    void theListIsPagedNewestFirstAndSearchedByAPartOfTheAddress() {
        String client = api.tokenWithScopes("suppression:read", "suppression:create");
        String tag = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 7; i++) {
            assertEquals(200, api.postJson("/api/v1/suppressions", client, Map.of("email", "page" + i + "-" + tag + "@example.com"))
                    .status());
        }
        JsonNode first = api.get("/api/v1/suppressions?email=" + tag + "&page=1&size=5", client).json();
        assertEquals(7, first.get("total").asInt());
        assertEquals(5, first.get("items").size());
        JsonNode second = api.get("/api/v1/suppressions?email=" + tag + "&page=2&size=5", client).json();
        assertEquals(2, second.get("items").size());
        assertEquals("added through the API", second.get("items").get(0).get("reason").asText());
        assertEquals(0, api.get("/api/v1/suppressions?email=" + tag, api.tokenWithScopes("suppression:read")).json()
                .get("total").asInt(), "another client's list is its own");
        assertEquals(0, api.get("/api/v1/suppressions?email=%25", client).json().get("total").asInt(),
                "a % in the search is a character, not a wildcard");
    }

    @Test
    void hostileInputIsAClientErrorAndChangesNothing() {
        String client = api.tokenWithScopes("suppression:read", "suppression:create", "suppression:delete");
        assertEquals(401, api.get("/api/v1/suppressions", null).status());
        assertEquals(401, api.postJson("/api/v1/suppressions", "not-a-token", Map.of("email", "a@example.com")).status());
        assertEquals(403, api.postJson("/api/v1/suppressions", api.tokenWithScopes("suppression:read"),
                Map.of("email", "a@example.com")).status());
        for (Object body : List.of(Map.of(), Map.of("email", "not an address"), Map.of("email", 42),
                Map.of("email", "a@example.com", "reason", "x".repeat(1001)), Map.of("email", "a@example.com", "reason", "a\r\nb"),
                Map.of("email", "a@example.com", "global", "yes"), Map.of("email", "a@example.com", "extra", 1),
                Map.of("email", "a".repeat(400) + "@example.com"), Map.of("email", "a@example.com\r\nBcc: b@example.com"))) {
            Api.Response refused = api.postJson("/api/v1/suppressions", client, body);
            assertTrue(refused.status() >= 400 && refused.status() < 500, body + " → " + refused);
        }
        for (String raw : List.of("", "[]", "{", "\"a@example.com\"", "null")) {
            Api.Response refused = api.send(api.request("/api/v1/suppressions", client).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(raw)));
            assertTrue(refused.status() >= 400 && refused.status() < 500, raw + " → " + refused);
        }
        assertEquals(422, api.get("/api/v1/suppressions?email=" + "x".repeat(400), client).status());
        assertTrue(api.get("/api/v1/suppressions?size=1000", client).status() / 100 == 4);
        assertTrue(api.get("/api/v1/suppressions?page=0", client).status() / 100 == 4);
        assertEquals(404, api.delete("/api/v1/suppressions/nobody@example.com", client).status());
        assertEquals(0, api.get("/api/v1/suppressions", client).json().get("total").asInt(), "nothing was added");
    }

    private String send(String token, List<String> to, String subject) {
        Api.Response response = api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", to), "subject", subject,
                "body", "x"));
        assertEquals(200, response.status(), response.body());
        return response.json().get("id").asText();
    }

    private JsonNode awaitStatus(String token, String id, String status) {
        JsonNode[] mail = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(20), "mail " + id + " to be " + status, () -> {
            mail[0] = api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data").get(0);
            return mail[0] != null && status.equals(mail[0].get("status").asText());
        });
        return mail[0];
    }

    /** Whether the address was in a delivery's envelope: GreenMail keeps a mailbox per envelope recipient. */
    private boolean received(String address) {
        var user = smtp.getUserManager().getUserByEmail(address);
        if (user == null) {
            return false;
        }
        try {
            return smtp.getManagers().getImapHostManager().getInbox(user).getMessageCount() > 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
