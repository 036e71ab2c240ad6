-- Provider configurations of the fidesops email config API, plus Mailgate's priority, enabled and
-- rate_limit. Secrets are AES-GCM encrypted (base64 of nonce || ciphertext), never stored in clear.
CREATE TABLE email_config (
    id           CHAR(24)     PRIMARY KEY,
    config_key   VARCHAR(255) NOT NULL UNIQUE,   -- "key" in the API
    name         VARCHAR(255) NOT NULL UNIQUE,
    service_type VARCHAR(16)  NOT NULL,          -- mailgun | ses | smtp | outbox
    details      VARCHAR      NOT NULL,          -- JSON object, defaults filled in
    priority     INTEGER      NOT NULL,          -- lower first
    enabled      BOOLEAN      NOT NULL,
    rate_limit   INTEGER,                        -- mails per second; null means no limit
    secrets      VARCHAR,                        -- encrypted JSON object; null until PUT .../secret
    version      INTEGER      NOT NULL,          -- bumped on every change: names the provider's route
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL
);
CREATE INDEX email_config_order ON email_config (enabled, priority);
