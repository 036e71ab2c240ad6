-- What carrying out a privacy request produced: the access package's files and link expiry, what
-- Mailgate masked of its own records, per step (JSON object).
ALTER TABLE privacy_request ADD COLUMN results VARCHAR;
-- An erasure request whose subject still has mails on their way (the completion notice, at least):
-- those are masked, and the subject's requests with them, once delivered.
ALTER TABLE privacy_request ADD COLUMN own_erasure_due BOOLEAN DEFAULT FALSE NOT NULL;
CREATE INDEX privacy_request_erasure_due ON privacy_request (own_erasure_due);
