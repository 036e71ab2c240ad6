package io.mailgate.mail;

import java.util.List;
import java.util.Optional;

/**
 * A stored mail claimed for delivery, with what only delivery needs: attachments and a template's
 * rendering, and whether the store keeps such parts to delete once the mail is finished.
 */
public record OutboundMail(Mail mail, List<MailRequest.Attachment> attachments, Optional<ComposedMail.Rendering> rendering,
                           boolean waitingParts) implements io.mailgate.platform.MemoryBudget.Sized {
    public OutboundMail {
        attachments = List.copyOf(attachments);
    }

    /** Roughly what the mail takes in memory: its texts (two bytes a character) and its attachments. */
    @Override
    public long sizeInMemory() {
        long size = 2L * (mail.body() == null ? 0 : mail.body().length());
        for (MailRequest.Attachment attachment : attachments) {
            size += attachment.content().length;
        }
        if (rendering.isPresent()) {
            size += 2L * ((rendering.get().html() == null ? 0 : rendering.get().html().length())
                    + (rendering.get().text() == null ? 0 : rendering.get().text().length()));
        }
        return size;
    }
}
