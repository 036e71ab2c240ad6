-- fidesops storage destinations: where an access request's package is written (local files under the
-- data directory, or S3). Secrets (S3 keys) are encrypted like every secret.
CREATE TABLE storage_config (
    storage_key VARCHAR(255)  PRIMARY KEY,
    name        VARCHAR(255)  NOT NULL UNIQUE,
    type        VARCHAR(16)   NOT NULL,   -- local | s3
    details     VARCHAR       NOT NULL,   -- JSON
    format      VARCHAR(8)    NOT NULL,   -- json | csv
    secrets     VARCHAR,
    version     INTEGER       NOT NULL DEFAULT 1,
    created_at  BIGINT        NOT NULL,
    updated_at  BIGINT        NOT NULL
);

-- An access rule names the storage destination its package goes to (fidesops' storage_destination_key).
ALTER TABLE policy_rule ADD COLUMN storage_destination_key VARCHAR(255);

-- The packages written for access requests; a download link names one and carries its signed expiry.
CREATE TABLE access_package (
    id           CHAR(32)      PRIMARY KEY,   -- 128 random bits: a link names it
    request_id   CHAR(24)      NOT NULL,
    storage_key  VARCHAR(255)  NOT NULL,
    storage_type VARCHAR(16)   NOT NULL,
    location     VARCHAR(1000) NOT NULL,   -- a file under the data directory, or an S3 bucket/key
    format       VARCHAR(8)    NOT NULL,
    size_bytes   BIGINT        NOT NULL,
    created_at   BIGINT        NOT NULL,
    expires_at   BIGINT        NOT NULL
);
CREATE INDEX access_package_request ON access_package (request_id);
