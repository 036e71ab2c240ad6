package io.mailgate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Mails;
import io.mailgate.support.SmtpFaults;
import io.mailgate.support.Waiter;
import io.mailgate.support.WebhookReceiver;

/**
 * SMTP's feedback, against a real Mailgate, GreenMail (SMTP and the IMAP bounce mailbox) and a proxy
 * that makes the server refuse: a 5xx at RCPT TO, or at DATA blaming the mailbox, is a hard bounce at
 * once; a bounce mail arriving later at the VERP return path is read from the bounce mailbox with
 * camel-mail's IMAP consumer, matched to its mail and recorded; either suppresses the address. A spam
 * verdict at DATA suppresses no one, a forged bounce for someone the mail did not go to changes nothing,
 * and a bounce mail that cannot be read becomes a dead letter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpFeedbackIT {

    private GreenMail greenMail;
    private SmtpFaults faults;
    private GreenMailUser bounceBox;
    private WebhookReceiver receiver;
    private MailgateInstance mailgate;
    private Api api;
    private String root;

    @BeforeAll
    void start() {
        greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
        greenMail.start();
        bounceBox = greenMail.setUser("bounces@example.org", "bounces", "bounce-pw");
        faults = SmtpFaults.inFrontOf(greenMail.getSmtp().getPort());
        receiver = WebhookReceiver.start();
        mailgate = MailgateInstance.start(Map.ofEntries(
                Map.entry("mailgate.webhooks.allow-private-addresses", "true"),
                Map.entry("mailgate.webhooks.poll-interval-ms", "100"),
                Map.entry("mailgate.smtp.host", "127.0.0.1"),
                Map.entry("mailgate.smtp.port", Integer.toString(faults.port())),
                Map.entry("mailgate.bounce.return-path", "bounces@example.org"),
                Map.entry("mailgate.bounce.mailbox.enabled", "true"),
                Map.entry("mailgate.bounce.mailbox.protocol", "imap"),
                Map.entry("mailgate.bounce.mailbox.host", "127.0.0.1"),
                Map.entry("mailgate.bounce.mailbox.port", Integer.toString(greenMail.getImap().getPort())),
                Map.entry("mailgate.bounce.mailbox.username", "bounces"),
                Map.entry("mailgate.bounce.mailbox.password", "bounce-pw"),
                Map.entry("mailgate.bounce.mailbox.poll-ms", "200")));
        api = mailgate.api();
        root = api.rootToken();
        Api.Response subscribed = api.postJson("/api/v1/webhooks", root, Map.of("url", receiver.url("/bounces"),
                "events", List.of("bounced")));
        assertEquals(200, subscribed.status(), subscribed.body());
        receiver.secret("/bounces", subscribed.json().get("secret").asText());
    }

    @AfterAll
    void stop() throws Exception {
        if (mailgate != null) {
            mailgate.close();
        }
        if (faults != null) {
            faults.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }

    @Test
    void aRecipientRefusedAtRcptIsAHardBounceAtOnce() {
        String typo = "typo-" + UUID.randomUUID() + "@exmaple.com";
        String kept = "kept-" + UUID.randomUUID() + "@example.com";
        faults.refuse(typo, "550 5.1.1 <" + typo + ">: Recipient address rejected: User unknown", 100);
        String id = send(List.of(kept, typo), "Two recipients");
        JsonNode sent = awaitStatus(id, "sent");
        JsonNode event = awaitEvent(id, "bounced");
        assertEquals(typo, event.get("recipient").asText());
        assertEquals("hard", event.get("bounce").asText());
        assertEquals("smtp", event.get("source").asText());
        assertTrue(event.get("detail").asText().startsWith("550"), event.toString());
        assertEquals(1, sent.get("refused_recipients").size());
        assertEquals("bounce", suppression(typo).get("source").asText());

        String again = send(List.of(typo), "Once more");
        awaitStatus(again, "suppressed");
    }

    @Test
    void aMessageRefusedAtDataForTheMailboxBouncesButASpamVerdictSuppressesNoOne() {
        String gone = "gone-" + UUID.randomUUID() + "@example.com";
        faults.refuseData(gone, "550 5.1.1 Mailbox does not exist", 100);
        String id = send(List.of(gone), "Refused at DATA");
        awaitStatus(id, "failed");
        assertEquals("hard", awaitEvent(id, "bounced").get("bounce").asText());
        assertEquals("bounce", suppression(gone).get("source").asText());

        String flagged = "flagged-" + UUID.randomUUID() + "@example.com";
        faults.refuseData(flagged, "554 5.7.1 Message rejected as spam", 100);
        String spam = send(List.of(flagged), "Refused as spam");
        awaitStatus(spam, "failed");
        assertEquals(0, mail(spam).get("events").size(), "the message, not the mailbox, was refused");
        assertEquals(0, api.get("/api/v1/suppressions?email=" + flagged, root).json().get("total").asInt());
    }

    @Test
    void aBounceMailAtTheReturnPathIsReadFromTheMailboxAndSuppresses() throws Exception {
        String address = "later-" + UUID.randomUUID() + "@example.net";
        String id = send(List.of(address), "Accepted, bounced later");
        awaitStatus(id, "sent");
        MimeMessage delivered = received(address);
        String returnPath = delivered.getHeader("Return-Path", null);
        assertTrue(returnPath != null && returnPath.contains("bounces+" + id + "@example.org"),
                "sent with the mail's VERP return path: " + returnPath);

        bounceBox.deliver(BounceMailsTest.message(String.format(BounceMailsTest.POSTFIX_DSN, id, address)));
        JsonNode event = awaitEvent(id, "bounced");
        assertEquals("dsn", event.get("source").asText());
        assertEquals(address, event.get("recipient").asText());
        assertEquals("hard", event.get("bounce").asText());
        assertTrue(event.get("detail").asText().contains("User unknown"), event.toString());
        assertEquals("bounce", suppression(address).get("source").asText());
        Waiter.until(Duration.ofSeconds(20), "the bounce at the application's endpoint", () -> receiver.received("/bounces").stream()
                .anyMatch(m -> m.verified() && m.body().contains(id) && m.body().contains("\"dsn\"")));
        Waiter.until(Duration.ofSeconds(20), "the read bounce to leave the mailbox", this::mailboxEmpty);

        // The same bounce again (a second copy): nothing changes.
        bounceBox.deliver(BounceMailsTest.message(String.format(BounceMailsTest.POSTFIX_DSN, id, address)));
        Waiter.until(Duration.ofSeconds(20), "the copy to be read", this::mailboxEmpty);
        assertEquals(1, mail(id).get("events").size());
    }

    @Test
    void aForgedBounceForSomeoneElseChangesNothingAndAnUnreadableOneIsADeadLetter() throws Exception {
        String address = "real-" + UUID.randomUUID() + "@example.net";
        String id = send(List.of(address), "To the real recipient");
        awaitStatus(id, "sent");
        String victim = "victim-" + UUID.randomUUID() + "@example.net";
        bounceBox.deliver(BounceMailsTest.message(String.format(BounceMailsTest.POSTFIX_DSN, id, victim)));
        bounceBox.deliver(BounceMailsTest.message("""
                From: someone@example.net
                To: bounces@example.org
                Subject: Out of office

                I am away.
                """));
        String marker = UUID.randomUUID().toString();
        bounceBox.deliver(BounceMailsTest.message("""
                From: MAILER-DAEMON@mx.example.org
                To: bounces+%s@example.org
                Subject: Undelivered Mail %s
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: text/plain
                Content-Transfer-Encoding: x-unheard-of

                Encoded as nobody knows.
                --B--
                """.formatted(id, marker)));
        Waiter.until(Duration.ofSeconds(20), "the mailbox to be read", this::mailboxEmpty);
        assertEquals(0, mail(id).get("events").size(), "no event for an address the mail did not go to");
        assertEquals(0, api.get("/api/v1/suppressions?email=" + victim, root).json().get("total").asInt());
        JsonNode dead = api.get("/api/v1/dead-letters?source=bounce-mailbox&size=100", root).json();
        assertTrue(dead.toString().contains(marker), "the unreadable bounce is a dead letter with the mail: " + dead);
    }

    private boolean mailboxEmpty() throws Exception {
        return greenMail.getManagers().getImapHostManager().getInbox(bounceBox).getMessageCount() == 0;
    }

    private MimeMessage received(String address) {
        MimeMessage[] found = new MimeMessage[1];
        Waiter.until(Duration.ofSeconds(20), "the mail at " + address, () -> {
            for (MimeMessage message : greenMail.getReceivedMessages()) {
                if (String.join(",", message.getHeader("To") == null ? new String[0] : message.getHeader("To")).contains(address)) {
                    found[0] = message;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private String send(List<String> to, String subject) {
        Api.Response response = api.postJson("/mail/v1/", root, Map.of("recipients", Map.of("to", to), "subject", subject,
                "body", "Hello"));
        assertEquals(200, response.status(), response.body());
        return response.json().get("id").asText();
    }

    private JsonNode awaitStatus(String id, String status) {
        return new Mails(api, root).awaitStatus(id, status);
    }

    private JsonNode awaitEvent(String id, String type) {
        JsonNode[] found = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(30), "a " + type + " event on mail " + id, () -> {
            JsonNode mail = mail(id);
            for (JsonNode event : mail == null ? List.<JsonNode>of() : (Iterable<JsonNode>) mail.get("events")::elements) {
                if (event.get("type").asText().equals(type)) {
                    found[0] = event;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private JsonNode mail(String id) {
        return new Mails(api, root).find(id);
    }

    private JsonNode suppression(String address) {
        JsonNode items = api.get("/api/v1/suppressions?email=" + address, root).json().get("items");
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }
}
