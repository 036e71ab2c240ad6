package io.mailgate.mail;

import java.util.List;

/** How one delivery attempt of a claimed mail ended, as far as the mail's record, metrics and dead letters need to know. */
public interface DeliveryOutcome {

    /** What the attempt means for the mail. */
    enum Result {
        /** Every recipient was delivered (or refused for good, and at least one was delivered). */
        SENT,
        /** Some recipients are still to deliver and a later attempt may succeed. */
        DEFERRED,
        /** Nothing more can be done: every provider refused for good, or every recipient was refused. */
        FAILED,
        /** Every recipient left is on the suppression list: the mail went to no provider. */
        SUPPRESSED
    }

    OutboundMail outbound();

    Result result();

    /** The provider that took the mail, or the last one tried; null when there was none to try. */
    String providerKey();

    /** The id the provider gave the mail, when it was delivered. */
    String providerMessageId();

    /** Why each provider tried failed, in order; for a mail that expired in the queue, why it gave up. */
    String failureReason();

    /** The recipients still to deliver after this attempt (empty once none is left). */
    List<String> pending();

    /** The recipients refused so far: for good, and (while they are retried) for now. */
    List<Mail.RefusedRecipient> refused();

    /** The wait a provider asked for (Retry-After), in milliseconds; 0 when none asked. */
    long retryAfterMillis();

    /**
     * A mail server's refusal of the whole message for good (a 5xx answer to MAIL FROM or DATA, as
     * "550 ..."), when the attempt failed with one; null otherwise.
     */
    default String messageRefusal() {
        return null;
    }

    /** The mail stayed undelivered longer than the queue's lifetime: the attempt now counts as FAILED, for this reason. */
    void expire(String reason);
}
