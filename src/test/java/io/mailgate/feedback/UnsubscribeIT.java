package io.mailgate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Mails;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.Waiter;

/**
 * One-click unsubscribe (RFC 8058) and the per-send override, against a real Mailgate and GreenMail: a
 * mail that asks for it carries List-Unsubscribe with a signed link and List-Unsubscribe-Post; a GET of
 * the link changes nothing, the POST a mailbox provider sends suppresses the recipient; a forged link is
 * refused. A critical mail with ignore_suppression reaches a suppressed address, but only from a client
 * holding suppression:override.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnsubscribeIT {

    private static final Pattern LINK = Pattern.compile("<(http://[^>]+)>");

    private GreenMail smtp;
    private MailgateInstance mailgate;
    private Api api;
    private String root;

    @BeforeAll
    void start() {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        int port = MailgateInstance.freePort();
        mailgate = MailgateInstance.start(TestDatabase.H2, Map.of("mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(smtp.getSmtp().getPort()),
                "mailgate.public-url", "http://127.0.0.1:" + port), port, MailgateInstance.tempDir());
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
    void theOneClickPostSuppressesTheRecipientAndAGetChangesNothing() throws Exception {
        String reader = "reader-" + UUID.randomUUID() + "@example.com";
        String id = send(root, Map.of("recipients", Map.of("to", List.of("Reader <" + reader + ">")), "subject", "Newsletter",
                "body", "News", "list_unsubscribe", true));
        MimeMessage received = received(reader);
        assertEquals("List-Unsubscribe=One-Click", received.getHeader("List-Unsubscribe-Post", null));
        Matcher link = LINK.matcher(received.getHeader("List-Unsubscribe", null));
        assertTrue(link.find(), received.getHeader("List-Unsubscribe", null));
        String path = URI.create(link.group(1)).getPath();
        assertTrue(path.startsWith("/api/v1/unsubscribe/" + id + "/"), path);

        Api.Response page = api.get(path, null);
        assertEquals(200, page.status(), page.body());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        assertTrue(page.body().contains("<form method=\"post\">"), page.body());
        assertEquals(0, suppressions(reader), "a GET (a scanner following links) changes nothing");

        Api.Response clicked = api.postForm(path, Map.of("List-Unsubscribe", "One-Click"));
        assertEquals(200, clicked.status(), clicked.body());
        assertEquals(1, suppressions(reader));
        JsonNode entry = api.get("/api/v1/suppressions?email=" + reader, root).json().get("items").get(0);
        assertEquals("unsubscribe", entry.get("source").asText());
        JsonNode mail = api.get("/mail/v1/?eq(id," + id + ")", root).json().get("data").get(0);
        assertEquals("unsubscribed", mail.get("events").get(0).get("type").asText());
        assertTrue(mail.get("list_unsubscribe").asBoolean());
        assertEquals(200, api.postForm(path, Map.of("List-Unsubscribe", "One-Click")).status(), "clicking twice is fine");
        assertEquals(1, api.get("/mail/v1/?eq(id," + id + ")", root).json().get("data").get(0).get("events").size());

        String next = send(root, Map.of("recipients", Map.of("to", List.of(reader)), "subject", "Next newsletter", "body", "News"));
        awaitStatus(next, "suppressed");
    }

    @Test
    void forgedLinksAndBadRequestsAreRefused() throws Exception {
        String reader = "other-" + UUID.randomUUID() + "@example.com";
        String id = send(root, Map.of("recipients", Map.of("to", List.of(reader)), "subject", "Digest", "body", "News",
                "list_unsubscribe", true));
        Matcher link = LINK.matcher(received(reader).getHeader("List-Unsubscribe", null));
        assertTrue(link.find());
        String path = URI.create(link.group(1)).getPath();
        String signature = path.substring(path.lastIndexOf('/') + 1);
        String otherId = send(root, Map.of("recipients", Map.of("to", List.of("someone-" + UUID.randomUUID() + "@example.com")),
                "subject", "Other", "body", "x"));

        assertEquals(403, api.postForm("/api/v1/unsubscribe/" + id + "/" + signature.substring(1) + "x", Map.of()).status(), "changed");
        assertEquals(403, api.postForm("/api/v1/unsubscribe/" + otherId + "/" + signature, Map.of()).status(), "another mail's id");
        assertEquals(403, api.postForm("/api/v1/unsubscribe/not-a-mail/" + signature, Map.of()).status());
        assertEquals(403, api.get("/api/v1/unsubscribe/" + otherId + "/" + signature, null).status());
        Api.Response oversized = api.send(HttpRequest.newBuilder(URI.create(api.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click&x=" + "y".repeat(70_000))));
        assertEquals(413, oversized.status());
        assertEquals(0, suppressions(reader), "nothing was unsubscribed");

        Api.Response two = api.postJson("/mail/v1/", root, Map.of("recipients", Map.of("to", List.of("a@example.com", "b@example.com")),
                "subject", "x", "body", "x", "list_unsubscribe", true));
        assertEquals(400, two.status(), two.body());
        assertTrue(two.body().contains("exactly one recipient"), two.body());
        Api.Response notBoolean = api.postJson("/mail/v1/", root, Map.of("recipients", Map.of("to", List.of("a@example.com")),
                "subject", "x", "body", "x", "ignore_suppression", "yes"));
        assertEquals(400, notBoolean.status(), notBoolean.body());
    }

    @Test
    void aCriticalMailReachesASuppressedAddressOnlyFromAClientHoldingTheOverrideScope() throws Exception {
        String address = "locked-out-" + UUID.randomUUID() + "@example.com";
        assertEquals(200, api.postJson("/api/v1/suppressions", root, Map.of("email", address, "reason", "complained",
                "global", true)).status());
        Map<String, Object> critical = Map.of("recipients", Map.of("to", List.of(address)), "subject", "Your password was changed",
                "body", "If this was not you, tell us.", "ignore_suppression", true);

        String plain = api.tokenWithScopes("mail:send", "mail:read");
        Api.Response refused = api.postJson("/mail/v1/", plain, critical);
        assertEquals(401, refused.status(), refused.body());
        assertEquals("NO_PERMISSION_EXCEPTION", refused.json().get("name").asText());
        assertEquals(0, api.get("/mail/v1/?eq(subject,Your%20password%20was%20changed)", root).json().get("data").size(),
                "nothing was stored");

        String security = api.tokenWithScopes("mail:send", "mail:read", "suppression:override");
        String id = send(security, critical);
        JsonNode sent = awaitStatus(id, "sent");
        assertTrue(sent.get("ignore_suppression").asBoolean());
        assertEquals("Your password was changed", received(address).getSubject());

        String normal = send(security, Map.of("recipients", Map.of("to", List.of(address)), "subject", "A newsletter", "body", "x"));
        awaitStatus(normal, "suppressed");
    }

    private int suppressions(String address) {
        return api.get("/api/v1/suppressions?email=" + address, root).json().get("total").asInt();
    }

    private String send(String token, Map<String, Object> mail) {
        Api.Response response = api.postJson("/mail/v1/", token, mail);
        assertEquals(200, response.status(), response.body());
        return response.json().get("id").asText();
    }

    private JsonNode awaitStatus(String id, String status) {
        return new Mails(api, root).awaitStatus(id, status);
    }

    private MimeMessage received(String address) {
        MimeMessage[] found = new MimeMessage[1];
        Waiter.until(Duration.ofSeconds(20), "the mail at " + address, () -> {
            for (MimeMessage message : smtp.getReceivedMessages()) {
                String[] to = message.getHeader("To");
                if (to != null && String.join(",", to).contains(address)) {
                    found[0] = message;
                    return true;
                }
            }
            return false;
        });
        assertFalse(found[0] == null);
        return found[0];
    }
}
