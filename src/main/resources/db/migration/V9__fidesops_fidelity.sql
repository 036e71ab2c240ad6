-- What fidesops answers about a connection's last test, and about a privacy request's steps.
ALTER TABLE connection_config ADD COLUMN last_test_timestamp BIGINT;
ALTER TABLE connection_config ADD COLUMN last_test_succeeded BOOLEAN;
ALTER TABLE privacy_request ADD COLUMN identity_verified_at BIGINT;
ALTER TABLE privacy_request ADD COLUMN reviewed_by VARCHAR(64);
ALTER TABLE privacy_request ADD COLUMN started_processing_at BIGINT;
