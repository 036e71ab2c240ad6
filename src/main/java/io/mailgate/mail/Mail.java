package io.mailgate.mail;

import java.util.List;
import java.util.Optional;

/** The record kept of every mail (API.md §2), as stored. */
public record Mail(
        String id,
        String creatorId,
        String from,
        List<String> replyTo,
        MailRequest.Recipients recipients,
        String subject,
        String body,
        Optional<String> templateId,
        Optional<String> templateName,
        Optional<String> language,
        Optional<String> timeZone,
        Optional<String> contentJson,
        int views,
        Status status,
        Optional<String> provider,
        Optional<String> providerMessageId,
        Optional<String> failureReason,
        long creationTimestamp,
        long updateTimestamp,
        Attempts attempts,
        MailOptions options) {

    /**
     * Where delivery stands: attempts made, when the next is due (a deferred mail), the last transient
     * error, the recipients still to deliver (empty: all of them) and those a server refused for good.
     */
    public record Attempts(int count, Optional<Long> nextAttemptAt, Optional<String> lastError, List<String> pending,
                           List<RefusedRecipient> refused) {
        public static final Attempts NONE = new Attempts(0, Optional.empty(), Optional.empty(), List.of(), List.of());

        public Attempts {
            pending = List.copyOf(pending);
            refused = List.copyOf(refused);
        }
    }

    /** A recipient a server refused, with its answer: permanent (5xx) or, while it is retried, temporary (4xx). */
    public record RefusedRecipient(String address, int code, String response, boolean permanent) {
    }

    public enum Status {
        QUEUED, SENDING, SENT, FAILED,
        /** Every recipient is on the suppression list: nothing went to a provider (not a dead letter). */
        SUPPRESSED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
