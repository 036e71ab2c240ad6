package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.Waiter;

/** Delivery over SMTP into GreenMail: what arrives is checked on the received MIME. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpDeliveryIT {

    private GreenMail smtp;
    private MailgateInstance mailgate;
    private Api api;
    private String token;

    @BeforeAll
    void start() {
        int port = MailgateInstance.freePort();
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        mailgate = MailgateInstance.start(Map.of(
                "mailgate.smtp.host", "127.0.0.1",
                "mailgate.smtp.port", Integer.toString(port)));
        api = mailgate.api();
        token = api.rootToken();
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

    @BeforeEach
    void clear() throws Exception {
        smtp.purgeEmailFromAllMailboxes();
    }

    @Test
    void aMailReachesEveryRecipientWithReplyToAndAttachments() throws Exception {
        byte[] pdf = "%PDF-1.4 not really".getBytes(StandardCharsets.US_ASCII);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("recipients", Map.of("to", List.of("to@example.com"), "cc", List.of("cc@example.com"),
                "bcc", List.of("bcc@example.com")));
        request.put("from", "Mailgate Test <noreply@example.org>");
        request.put("reply_to", List.of("support@example.org"));
        request.put("subject", "Grüße über SMTP");
        request.put("body", "Line one\nLine two — ünïcödé");
        request.put("attachments", List.of(
                Map.of("name", "report.pdf", "type", "application/pdf", "content", Base64.getEncoder().encodeToString(pdf)),
                Map.of("name", "notes ü.txt", "type", "text/plain", "content", "SGVsbG8=")));

        Api.Response response = api.postJson("/mail/v1/", token, request);
        assertEquals(200, response.status(), response.body());
        String id = response.json().get("id").asText();

        // Three envelope recipients, one message each in GreenMail.
        Waiter.until(Duration.ofSeconds(20), "three deliveries", () -> smtp.getReceivedMessages().length == 3);
        MimeMessage received = smtp.getReceivedMessages()[0];
        assertEquals("Grüße über SMTP", received.getSubject());
        assertEquals("Mailgate Test <noreply@example.org>", received.getFrom()[0].toString());
        assertEquals("support@example.org", received.getReplyTo()[0].toString());
        assertEquals("to@example.com", received.getRecipients(Message.RecipientType.TO)[0].toString());
        assertEquals("cc@example.com", received.getRecipients(Message.RecipientType.CC)[0].toString());
        assertNull(received.getHeader("Bcc"), "Bcc is never shown to recipients");
        for (String mailbox : List.of("to@example.com", "cc@example.com", "bcc@example.com")) {
            assertEquals(1, inboxSize(mailbox), mailbox + " received the mail");
        }

        MimeMultipart parts = (MimeMultipart) received.getContent();
        assertEquals(3, parts.getCount());
        assertTrue(parts.getBodyPart(0).getContentType().startsWith("text/plain"));
        assertEquals("Line one\nLine two — ünïcödé", parts.getBodyPart(0).getContent().toString().replace("\r\n", "\n"));
        assertEquals("report.pdf", parts.getBodyPart(1).getFileName());
        assertTrue(parts.getBodyPart(1).getContentType().startsWith("application/pdf"));
        assertEquals(new String(pdf, StandardCharsets.US_ASCII),
                new String(parts.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        assertEquals("notes ü.txt", jakarta.mail.internet.MimeUtility.decodeText(parts.getBodyPart(2).getFileName()));

        JsonNode sent = awaitStatus(id, "sent");
        assertEquals("smtp", sent.get("provider").asText());
        assertEquals(received.getMessageID(), sent.get("aws_message_id").asText());
    }

    @Test
    void aPlainMailIsSingleTextPart() throws Exception {
        Map<String, Object> request = Map.of("recipients", Map.of("to", List.of("plain@example.com")),
                "subject", "Plain", "body", "Just text");
        assertEquals(200, api.postJson("/mail/v1/", token, request).status());
        Waiter.until(Duration.ofSeconds(20), "one delivery", () -> smtp.getReceivedMessages().length == 1);
        MimeMessage received = smtp.getReceivedMessages()[0];
        assertTrue(received.getContentType().startsWith("text/plain"), received.getContentType());
        assertEquals("Just text", received.getContent().toString().trim());
        assertFalse(new String(received.getRawInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("Authorization"));
    }

    /** GreenMail files each envelope recipient's copy in that user's inbox. */
    private int inboxSize(String address) throws Exception {
        var user = smtp.getUserManager().getUserByEmail(address);
        return user == null ? 0 : smtp.getManagers().getImapHostManager().getInbox(user).getMessageCount();
    }

    private JsonNode awaitStatus(String id, String status) {
        JsonNode[] found = new JsonNode[1];
        Waiter.until(Duration.ofSeconds(20), "mail " + id + " to be " + status, () -> {
            JsonNode data = api.get("/mail/v1/?eq(id," + id + ")", token).json().get("data");
            found[0] = data.size() == 1 ? data.get(0) : null;
            return found[0] != null && status.equals(found[0].get("status").asText());
        });
        return found[0];
    }
}
