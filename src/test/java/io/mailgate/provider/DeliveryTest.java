package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.Test;

import io.mailgate.mail.DeliveryOutcome;
import io.mailgate.mail.Mail;
import io.mailgate.mail.MailRequest;
import io.mailgate.mail.OutboundMail;

/** What one attempt means for a mail: SENT, DEFERRED or FAILED, per recipient and per provider. */
class DeliveryTest {

    private static final Provider SMTP = new Provider("smtp", "kamelet:smtp-sink/a", Provider.UNLIMITED, null);
    private static final Provider MAILGUN = new Provider("mailgun", "kamelet:mailgun-sink/b", Provider.UNLIMITED, null);

    @Test
    void aProviderThatTakesTheMailSendsItToEveryone() {
        Delivery delivery = delivery(Mail.Attempts.NONE, SMTP);
        assertTrue(delivery.advance());
        assertEquals("to@example.com,cc@example.com,bcc@example.com", delivery.envelopeTo());
        delivery.succeeded("<id@example.com>");
        assertFalse(delivery.advance(), "nobody is left");
        assertEquals(DeliveryOutcome.Result.SENT, delivery.result());
        assertEquals("smtp", delivery.providerKey());
    }

    @Test
    void aTransientFailureFailsOverAndDefersWhenNoProviderTakesIt() {
        Delivery delivery = delivery(Mail.Attempts.NONE, MAILGUN, SMTP);
        delivery.advance();
        delivery.failed(ProviderErrors.classify(ProviderErrorsTest.http(503, Map.of("Retry-After", "30"), "")));
        assertTrue(delivery.advance(), "the next provider is tried in the same attempt");
        delivery.failed(ProviderErrors.classify(ProviderErrorsTest.http(400, Map.of(), "bad")));
        assertFalse(delivery.advance());
        assertEquals(DeliveryOutcome.Result.DEFERRED, delivery.result(), "one provider may take it later");
        assertEquals(30_000, delivery.retryAfterMillis());
        assertEquals(3, delivery.pending().size());
        assertTrue(delivery.failureReason().startsWith("mailgun: transient: HTTP 503"), delivery.failureReason());
    }

    @Test
    void aPermanentFailureOnEveryProviderFailsTheMail() {
        Delivery delivery = delivery(Mail.Attempts.NONE, MAILGUN, SMTP);
        delivery.advance();
        delivery.failed(ProviderErrors.classify(ProviderErrorsTest.http(400, Map.of(), "")));
        delivery.advance();
        delivery.failed(ProviderErrors.classify(new SMTPSendFailedException("DATA", 554, "554 spam", null, null, null, null)));
        assertEquals(DeliveryOutcome.Result.FAILED, delivery.result());
    }

    @Test
    void aRefusedRecipientCostsOnlyItselfAndOneRefusedForNowIsKeptForTheNextAttempt() throws Exception {
        Delivery delivery = delivery(Mail.Attempts.NONE, SMTP, MAILGUN);
        delivery.advance();
        SMTPAddressFailedException unknown = new SMTPAddressFailedException(new InternetAddress("cc@example.com"), "RCPT TO",
                550, "550 5.1.1 User unknown");
        SMTPAddressFailedException busy = new SMTPAddressFailedException(new InternetAddress("bcc@example.com"), "RCPT TO",
                450, "450 4.2.1 Mailbox busy");
        unknown.setNextException(busy);
        SMTPSendFailedException partial = new SMTPSendFailedException(".", 250, "250 OK", unknown,
                new Address[] {new InternetAddress("to@example.com")}, new Address[] {new InternetAddress("bcc@example.com")},
                new Address[] {new InternetAddress("cc@example.com")});
        RecipientRefusals refusals = RecipientRefusals.of(partial);
        assertEquals(List.of("to@example.com"), refusals.delivered());
        delivery.partlyDelivered(refusals);
        assertTrue(delivery.advance(), "the one refused for now may go through the next provider");
        assertEquals("bcc@example.com", delivery.envelopeTo(), "only the recipient left");
        delivery.failed(ProviderErrors.classify(ProviderErrorsTest.http(503, Map.of(), "")));
        assertEquals(DeliveryOutcome.Result.DEFERRED, delivery.result());
        assertEquals(List.of("bcc@example.com"), delivery.pending());
        assertEquals(2, delivery.refused().size());
        Mail.RefusedRecipient forGood = delivery.refused().get(0);
        assertEquals("cc@example.com", forGood.address());
        assertEquals(550, forGood.code());
        assertTrue(forGood.permanent());
        assertFalse(delivery.refused().get(1).permanent());

        // The next attempt starts from what was recorded: only bcc@ is left; a delivery sends the mail.
        Delivery next = delivery(new Mail.Attempts(1, Optional.empty(), Optional.empty(), delivery.pending(),
                delivery.refused()), SMTP);
        next.advance();
        assertEquals("bcc@example.com", next.envelopeTo());
        next.succeeded("<id@example.com>");
        assertEquals(DeliveryOutcome.Result.SENT, next.result());
        assertEquals(List.of(forGood), next.refused(), "the refusal for good stays on the record, the one for now is gone");
    }

    @Test
    void everyRecipientRefusedForGoodFailsTheMail() throws Exception {
        Delivery delivery = delivery(Mail.Attempts.NONE, SMTP);
        delivery.advance();
        SendFailedException none = new SendFailedException("Invalid Addresses", null, new Address[0], new Address[0],
                InternetAddress.parse("to@example.com,cc@example.com,bcc@example.com"));
        delivery.partlyDelivered(RecipientRefusals.of(none));
        assertFalse(delivery.advance());
        assertEquals(DeliveryOutcome.Result.FAILED, delivery.result());
    }

    @Test
    void suppressedRecipientsGoToNoProviderAndAMailWithNoOneElseIsSuppressed() {
        Delivery some = delivery(Mail.Attempts.NONE, Map.of("cc@example.com", "hard bounce"), SMTP);
        assertTrue(some.advance());
        assertEquals("to@example.com,bcc@example.com", some.envelopeTo(), "the suppressed address is not in the envelope");
        some.succeeded("id");
        assertEquals(DeliveryOutcome.Result.SENT, some.result());
        assertEquals(List.of(new Mail.RefusedRecipient("cc@example.com", 0, "suppressed: hard bounce", true)), some.refused());

        Delivery none = delivery(Mail.Attempts.NONE, Map.of("to@example.com", "complaint", "cc@example.com", "api",
                "bcc@example.com", "unsubscribed"), SMTP);
        assertFalse(none.advance(), "no provider is called");
        assertEquals(DeliveryOutcome.Result.SUPPRESSED, none.result());
        assertTrue(none.failureReason().startsWith("suppressed: "), none.failureReason());
        assertTrue(none.failureReason().contains("to@example.com (complaint)"), none.failureReason());
    }

    @Test
    void aMailWhoseOtherRecipientsWereRefusedForGoodFailsRatherThanEndsSuppressed() throws Exception {
        Delivery delivery = delivery(Mail.Attempts.NONE, Map.of("cc@example.com", "hard bounce"), SMTP);
        delivery.advance();
        SendFailedException refused = new SendFailedException("Invalid Addresses", null, new Address[0], new Address[0],
                InternetAddress.parse("to@example.com,bcc@example.com"));
        delivery.partlyDelivered(RecipientRefusals.of(refused));
        assertFalse(delivery.advance());
        assertEquals(DeliveryOutcome.Result.FAILED, delivery.result());
    }

    @Test
    void aWholeMessageRefusalIsNotAPerRecipientOne() {
        assertNull(RecipientRefusals.of(new SMTPSendFailedException("DATA", 554, "554 no", null, null, null, null)));
        assertNull(RecipientRefusals.of(new IllegalStateException("no SMTP at all")));
    }

    @Test
    void aSkippedProviderIsTransient() {
        Delivery delivery = delivery(Mail.Attempts.NONE, MAILGUN);
        delivery.advance();
        delivery.skipped("circuit open");
        assertEquals(DeliveryOutcome.Result.DEFERRED, delivery.result());
        delivery.expire("undelivered after 9 attempts");
        assertEquals(DeliveryOutcome.Result.FAILED, delivery.result());
        assertEquals("undelivered after 9 attempts", delivery.failureReason());
    }

    private static Delivery delivery(Mail.Attempts attempts, Provider... providers) {
        return delivery(attempts, Map.of(), providers);
    }

    private static Delivery delivery(Mail.Attempts attempts, Map<String, String> suppressed, Provider... providers) {
        Mail mail = new Mail("6b0000000000000000000001", "client", "from@example.com", List.of(),
                new MailRequest.Recipients(List.of("to@example.com"), List.of("cc@example.com"), List.of("bcc@example.com")),
                "subject", "body", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Mail.Status.SENDING, Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, attempts, io.mailgate.mail.MailOptions.NONE);
        return new Delivery(new OutboundMail(mail, List.of(), Optional.empty(), false), List.of(providers), suppressed);
    }
}
