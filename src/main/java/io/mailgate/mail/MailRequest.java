package io.mailgate.mail;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated send request: everything needed to store the mail and build its message, and the
 * request as it was sent, whose hash tells a retried request from a different one under the same
 * idempotency key.
 */
public record MailRequest(
        Recipients recipients,
        String from,
        List<String> replyTo,
        String subject,
        String body,
        Optional<String> templateName,
        Optional<String> templateId,
        Optional<String> language,
        Optional<String> timeZone,
        Optional<JsonNode> content,
        List<Attachment> attachments,
        MailOptions options,
        JsonNode source) {

    public MailRequest {
        replyTo = List.copyOf(replyTo);
        attachments = List.copyOf(attachments);
    }

    /** SHA-256 of the request's canonical JSON; computed on demand: only requests with an idempotency key need it. */
    public String requestHash() {
        return CanonicalJson.sha256(source);
    }

    public boolean isTemplate() {
        return templateName.isPresent() || templateId.isPresent();
    }

    public record Recipients(List<String> to, List<String> cc, List<String> bcc) {
        public Recipients {
            to = List.copyOf(to);
            cc = List.copyOf(cc);
            bcc = List.copyOf(bcc);
        }

        public int count() {
            return to.size() + cc.size() + bcc.size();
        }
    }

    /** An attachment travels with the message only; the Mail record never keeps it. */
    public record Attachment(String name, String type, byte[] content) {
    }
}
