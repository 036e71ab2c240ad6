-- The stored row is the delivery queue. due_at is when a QUEUED mail may be claimed: at once for a new
-- or released mail, at its next attempt for a deferred one; NULL once it is claimed or finished.
-- Delivery claims the earliest due mails in batches through this index (FOR UPDATE SKIP LOCKED, so
-- that instances sharing the database take different mails).
ALTER TABLE mail ADD COLUMN due_at BIGINT;
UPDATE mail SET due_at = COALESCE(next_attempt_at, update_timestamp) WHERE status = 'queued';
CREATE INDEX mail_claimable ON mail (status, due_at);
