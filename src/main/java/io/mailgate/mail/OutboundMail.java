package io.mailgate.mail;

import java.util.List;
import java.util.Optional;

/**
 * A stored mail claimed for delivery, with what only delivery needs: attachments and a template's
 * rendering, and whether the store keeps such parts to delete once the mail is finished.
 */
public record OutboundMail(Mail mail, List<MailRequest.Attachment> attachments, Optional<ComposedMail.Rendering> rendering,
                           boolean waitingParts) {
    public OutboundMail {
        attachments = List.copyOf(attachments);
    }
}
