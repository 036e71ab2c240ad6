package io.mailgate.mail;

import java.util.List;

/** A stored mail claimed for delivery, with what only delivery needs: attachments and a template's rendering. */
public record OutboundMail(Mail mail, List<MailRequest.Attachment> attachments,
                           java.util.Optional<ComposedMail.Rendering> rendering) {
    public OutboundMail {
        attachments = List.copyOf(attachments);
    }
}
