package io.mailgate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import io.mailgate.mail.MailEvent;

/**
 * Bounce mails as MTAs write them: an RFC 3464 report (Postfix), the text of qmail and Exim, and what
 * is not a bounce. The mail is found by the VERP return path or the returned Message-ID.
 */
class BounceMailsTest {

    private static final String ID = "6750a1b2c3d4e5f601234567";

    static final String POSTFIX_DSN = """
            Return-Path: <>
            Delivered-To: bounces+%1$s@example.org
            From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            To: bounces+%1$s@example.org
            Message-Id: <20261127101010.ABCDEF@mx.example.org>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

            --B1
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mx.example.org.
            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients.

            <%2$s>: host mx.example.net said: 550 5.1.1 <%2$s>: Recipient address rejected: User unknown

            --B1
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.org
            X-Postfix-Queue-ID: ABCDEF
            Arrival-Date: Fri, 27 Nov 2026 10:10:09 +0000 (UTC)

            Final-Recipient: rfc822; %2$s
            Original-Recipient: rfc822;%2$s
            Action: failed
            Status: 5.1.1
            Remote-MTA: dns; mx.example.net
            Diagnostic-Code: smtp; 550 5.1.1 <%2$s>: Recipient address rejected:
                User unknown

            Final-Recipient: rfc822; full@example.net
            Action: failed
            Status: 5.2.2
            Diagnostic-Code: smtp; 552 5.2.2 Mailbox full

            Final-Recipient: rfc822; later@example.net
            Action: delayed
            Status: 4.4.1
            Diagnostic-Code: X-Postfix; connect to mx.example.net: Connection timed out

            Final-Recipient: rfc822; fine@example.net
            Action: delivered
            Status: 2.0.0

            --B1
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers

            From: sender@example.org
            To: %2$s
            Subject: Hello
            Message-ID: <%1$s@example.org>

            --B1--
            """;

    @Test
    void anRfc3464ReportGivesEachRecipientsActionStatusAndDiagnostic() throws Exception {
        MimeMessage report = message(String.format(POSTFIX_DSN, ID, "gone@example.net"));
        assertEquals(Optional.of(ID), BounceMails.mailId(report, BounceMails.text(report)), "by the VERP return path");
        List<BounceMails.Bounce> bounces = BounceMails.deliveryStatus(report);
        assertEquals(3, bounces.size(), bounces.toString());
        assertEquals(new BounceMails.Bounce("gone@example.net", MailEvent.Bounce.HARD,
                "5.1.1 550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown"), bounces.get(0));
        assertEquals(MailEvent.Bounce.SOFT, bounces.get(1).severity(), "a full mailbox may empty");
        assertEquals(MailEvent.Bounce.SOFT, bounces.get(2).severity(), "delayed");
    }

    @Test
    void qmailAndEximBouncesAreReadFromTheirText() throws Exception {
        MimeMessage qmail = message("""
                From: MAILER-DAEMON@mail.example.net
                To: sender@example.org
                Subject: failure notice
                Message-ID: <q1@mail.example.net>

                Hi. This is the qmail-send program at mail.example.net.
                I'm afraid I wasn't able to deliver your message to the following addresses.
                This is a permanent error; I've given up. Sorry it didn't work out.

                <nobody@example.net>:
                192.0.2.7 does not like recipient.
                Remote host said: 550 5.1.1 <nobody@example.net>... User unknown
                Giving up on 192.0.2.7.

                --- Below this line is a copy of the message.

                Return-Path: <sender@example.org>
                Message-ID: <%s@example.org>
                Subject: Hello
                """.formatted(ID));
        String text = BounceMails.text(qmail);
        assertEquals(Optional.of(ID), BounceMails.mailId(qmail, text), "by the returned Message-ID");
        assertNull(BounceMails.deliveryStatus(qmail));
        List<BounceMails.Bounce> bounces = BounceMails.fromText(text);
        assertEquals(1, bounces.size(), bounces.toString());
        assertEquals("nobody@example.net", bounces.get(0).recipient());
        assertEquals(MailEvent.Bounce.HARD, bounces.get(0).severity());

        MimeMessage exim = message("""
                From: Mail Delivery System <Mailer-Daemon@mx.example.net>
                To: sender@example.org
                Subject: Mail delivery failed: returning message to sender
                X-Failed-Recipients: over@example.net

                This message was created automatically by mail delivery software.

                A message that you sent could not be delivered to one or more of its
                recipients. This is a permanent error. The following address(es) failed:

                  over@example.net
                    host mx.example.net [192.0.2.9]
                    SMTP error from remote mail server after RCPT TO:<over@example.net>:
                    452 4.2.2 Over quota

                ------ This is a copy of the message, including all the headers. ------

                X-Mailgate-Id: %s
                Subject: Hello
                """.formatted(ID));
        String eximText = BounceMails.text(exim);
        assertEquals(Optional.of(ID), BounceMails.mailId(exim, eximText), "by the X-Mailgate-Id header");
        List<BounceMails.Bounce> eximBounces = BounceMails.fromText(eximText);
        assertEquals(List.of("over@example.net"), eximBounces.stream().map(BounceMails.Bounce::recipient).toList());
        assertEquals(MailEvent.Bounce.SOFT, eximBounces.get(0).severity());
    }

    @Test
    void severityFollowsTheEnhancedStatusCode() {
        assertEquals(MailEvent.Bounce.HARD, BounceMails.severity("550 5.1.1 user unknown"));
        assertEquals(MailEvent.Bounce.HARD, BounceMails.severity("5.4.4 no such domain"));
        assertEquals(MailEvent.Bounce.HARD, BounceMails.severity("550 no such user here"));
        assertEquals(MailEvent.Bounce.SOFT, BounceMails.severity("554 5.7.1 message rejected as spam"), "the message, not the address");
        assertEquals(MailEvent.Bounce.SOFT, BounceMails.severity("552 5.2.2 mailbox full"));
        assertEquals(MailEvent.Bounce.SOFT, BounceMails.severity("451 4.3.0 try again"));
        assertEquals(MailEvent.Bounce.SOFT, BounceMails.severity("552 message size exceeds limit"));
    }

    @Test
    void anAutoReplyIsNoBounce() throws Exception {
        MimeMessage reply = message("""
                From: someone@example.net
                To: sender@example.org
                Subject: Out of office
                In-Reply-To: <%s@example.org>

                I am away until Monday.
                """.formatted(ID));
        assertEquals(List.of(), BounceMails.fromText(BounceMails.text(reply)));
        assertEquals(Optional.empty(), BounceMails.mailId(reply, BounceMails.text(reply)), "its own headers do not count");
        assertFalse(BounceMails.looksLikeBounce(reply, BounceMails.text(reply)), "but says nothing of a failure");
        assertTrue(BounceMails.looksLikeBounce(message(String.format(POSTFIX_DSN, ID, "x@example.net")), ""));
    }

    static MimeMessage message(String text) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }
}
