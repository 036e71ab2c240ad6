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
        long updateTimestamp) {

    public enum Status {
        QUEUED, SENDING, SENT, FAILED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
