-- Whether a mail still has attachments or a template rendering waiting for its delivery, so that
-- claiming and finishing a plain mail need not look for them (one query each fewer per mail).
ALTER TABLE mail ADD COLUMN waiting_parts BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE mail SET waiting_parts = TRUE
 WHERE EXISTS (SELECT 1 FROM mail_attachment a WHERE a.mail_id = mail.id)
    OR EXISTS (SELECT 1 FROM mail_rendering r WHERE r.mail_id = mail.id);
