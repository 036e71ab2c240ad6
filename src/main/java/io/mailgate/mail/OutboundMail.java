package io.mailgate.mail;

import java.util.List;

/** A stored mail claimed for delivery, with the attachments that only delivery needs. */
public record OutboundMail(Mail mail, List<MailRequest.Attachment> attachments) {
    public OutboundMail {
        attachments = List.copyOf(attachments);
    }
}
