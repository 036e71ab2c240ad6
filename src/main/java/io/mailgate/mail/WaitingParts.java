package io.mailgate.mail;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * What only delivery needs and the Mail record never shows: a template mail's rendering and the
 * attachments. They wait in the database until their mail is SENT or FAILED, so that a crash before
 * delivery loses nothing, and are deleted with the final status.
 */
final class WaitingParts {

    private WaitingParts() {
    }

    static void insert(Handle handle, String mailId, Optional<ComposedMail.Rendering> rendering,
                       List<MailRequest.Attachment> attachments) {
        rendering.ifPresent(r -> handle.createUpdate("INSERT INTO mail_rendering (mail_id, html, text) VALUES (?, ?, ?)")
                .bind(0, mailId).bind(1, r.html()).bind(2, r.text())
                .execute());
        if (attachments.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(
                "INSERT INTO mail_attachment (mail_id, position, name, content_type, content) VALUES (?, ?, ?, ?, ?)");
        for (int i = 0; i < attachments.size(); i++) {
            MailRequest.Attachment attachment = attachments.get(i);
            batch.bind(0, mailId).bind(1, i).bind(2, attachment.name()).bind(3, attachment.type()).bind(4, attachment.content())
                    .add();
        }
        batch.execute();
    }

    static List<MailRequest.Attachment> attachments(Handle handle, String mailId) {
        return handle.createQuery("SELECT name, content_type, content FROM mail_attachment WHERE mail_id = ? ORDER BY position")
                .bind(0, mailId)
                .map((rows, context) -> new MailRequest.Attachment(rows.getString("name"), rows.getString("content_type"),
                        rows.getBytes("content")))
                .list();
    }

    static Optional<ComposedMail.Rendering> rendering(Handle handle, String mailId) {
        return handle.createQuery("SELECT html, text FROM mail_rendering WHERE mail_id = ?")
                .bind(0, mailId)
                .map((rows, context) -> new ComposedMail.Rendering(rows.getString("html"), rows.getString("text")))
                .findOne();
    }

    static void delete(Handle handle, String mailId) {
        handle.createUpdate("DELETE FROM mail_attachment WHERE mail_id = ?").bind(0, mailId).execute();
        handle.createUpdate("DELETE FROM mail_rendering WHERE mail_id = ?").bind(0, mailId).execute();
    }
}
