-- Delivery like a mail server's queue: a transient failure leaves the mail QUEUED with its attempt
-- count, last error and next attempt time; a scheduler picks due mails up. Recipients still to be
-- delivered (NULL: all of them) and those a server refused for good are kept per mail.
ALTER TABLE mail ADD COLUMN attempts INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE mail ADD COLUMN next_attempt_at BIGINT;
ALTER TABLE mail ADD COLUMN last_error VARCHAR(2000);
ALTER TABLE mail ADD COLUMN queued_since BIGINT;
ALTER TABLE mail ADD COLUMN recipients_pending VARCHAR;
ALTER TABLE mail ADD COLUMN recipients_refused VARCHAR;
-- A claim is a lease held by one instance and renewed while it lives.
ALTER TABLE mail ADD COLUMN claimed_by VARCHAR(64);
ALTER TABLE mail ADD COLUMN lease_until BIGINT;
UPDATE mail SET lease_until = claimed_at + 600000 WHERE status = 'sending';
CREATE INDEX mail_due ON mail (status, next_attempt_at);
CREATE INDEX mail_lease ON mail (status, lease_until);
