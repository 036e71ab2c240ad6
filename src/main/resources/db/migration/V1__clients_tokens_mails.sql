-- One schema for H2 (in PostgreSQL mode) and PostgreSQL: keep to types and syntax both accept.

-- API clients made over POST /api/v1/oauth/client. The root client lives in configuration only.
CREATE TABLE api_client (
    client_id   VARCHAR(64)   PRIMARY KEY,
    secret_hash CHAR(64)      NOT NULL,   -- SHA-256 of a 256-bit random secret
    scopes      VARCHAR(2000) NOT NULL,   -- space separated
    created_at  BIGINT        NOT NULL
);

-- Bearer and refresh tokens, stored only as their SHA-256.
CREATE TABLE access_token (
    token_hash CHAR(64)      PRIMARY KEY,
    client_id  VARCHAR(64)   NOT NULL,
    scopes     VARCHAR(2000) NOT NULL,
    kind       VARCHAR(16)   NOT NULL,    -- access | refresh
    expires_at BIGINT        NOT NULL     -- epoch milliseconds
);
CREATE INDEX access_token_client ON access_token (client_id);
CREATE INDEX access_token_expiry ON access_token (expires_at);

-- The record of every mail. Timestamps are epoch milliseconds, as the Extra Horizon API shows them.
CREATE TABLE mail (
    id                  CHAR(24)      PRIMARY KEY,
    creator_id          VARCHAR(64)   NOT NULL,
    from_address        VARCHAR(320)  NOT NULL,
    subject             VARCHAR(1000),
    body                VARCHAR,
    template_id         CHAR(24),
    template_name       VARCHAR(255),
    language            VARCHAR(8),
    time_zone           VARCHAR(64),
    content             VARCHAR,      -- JSON object of a template mail's inputs
    views               INTEGER       NOT NULL DEFAULT 0,
    status              VARCHAR(16)   NOT NULL,   -- queued | sending | sent | failed
    provider            VARCHAR(64),
    provider_message_id VARCHAR(998),
    failure_reason      VARCHAR(2000),
    creation_timestamp  BIGINT        NOT NULL,
    update_timestamp    BIGINT        NOT NULL
);
CREATE INDEX mail_created ON mail (creation_timestamp);
CREATE INDEX mail_status ON mail (status, update_timestamp);

-- Recipients and reply-to addresses, one row each, so that RQL can match any element of the arrays.
CREATE TABLE mail_address (
    mail_id  CHAR(24)     NOT NULL REFERENCES mail (id) ON DELETE CASCADE,
    kind     VARCHAR(8)   NOT NULL,   -- to | cc | bcc | reply_to
    position INTEGER      NOT NULL,
    address  VARCHAR(320) NOT NULL,
    PRIMARY KEY (mail_id, kind, position)
);
CREATE INDEX mail_address_lookup ON mail_address (kind, address);

-- Attachments wait here until their mail is delivered (or given up on), then they are deleted:
-- the Mail record never shows them, but a crash before delivery must not lose them.
CREATE TABLE mail_attachment (
    mail_id      CHAR(24)     NOT NULL REFERENCES mail (id) ON DELETE CASCADE,
    position     INTEGER      NOT NULL,
    name         VARCHAR(255) NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    content      BYTEA        NOT NULL,
    PRIMARY KEY (mail_id, position)
);
