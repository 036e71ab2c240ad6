package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.mailgate.kamelet.EnvelopedMessage;

/** The Message-ID leads back to the record and stays the same on every attempt, at the domain an operator chose. */
class MimeMessageBuilderTest {

    private static final String ID = "6b0000000000000000000002";

    @Test
    void theMessageIdIsTheMailIdAtTheSendersDomainOrTheConfiguredOne() throws Exception {
        assertEquals("<" + ID + "@example.org>", build(new MimeMessageBuilder("gateway@localhost", "")).getMessageID());
        assertEquals("<" + ID + "@example.org>", build(new MimeMessageBuilder("gateway@localhost", "")).getMessageID(),
                "the same id on every attempt");
        assertEquals("<" + ID + "@mail.example.net>", build(new MimeMessageBuilder("gateway@localhost", "mail.example.net"))
                .getMessageID());
    }

    @Test
    void theMessageNamesItsMailgateId() throws Exception {
        assertEquals(ID, build(new MimeMessageBuilder("gateway@localhost", "")).getHeader(MimeMessageBuilder.MAIL_ID_HEADER, null));
    }

    private static EnvelopedMessage build(MimeMessageBuilder builder) throws Exception {
        Mail mail = new Mail(ID, "client", "Sender <sender@example.org>", List.of(),
                new MailRequest.Recipients(List.of("to@example.com"), List.of(), List.of()), "subject", "body",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Mail.Status.SENDING, Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, Mail.Attempts.NONE, MailOptions.NONE);
        return builder.build(new OutboundMail(mail, List.of(), Optional.empty(), false), null);
    }
}
