-- Idempotency keys, per client: the same key with the same body gives back the first mail. The
-- primary key makes two concurrent requests with one key produce one mail, on any instance.
CREATE TABLE idempotency_key (
    client_id    VARCHAR(64)  NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    request_hash CHAR(64)     NOT NULL,   -- SHA-256 of the canonical JSON body
    mail_id      CHAR(24)     NOT NULL,
    created_at   BIGINT       NOT NULL,
    PRIMARY KEY (client_id, idem_key)
);
CREATE INDEX idempotency_key_age ON idempotency_key (created_at);

-- When a delivery claimed the mail: a fresh claim is never taken twice, a stale one (a crash
-- mid-send) is taken again.
ALTER TABLE mail ADD COLUMN claimed_at BIGINT;

-- What could not be processed: a queue message that failed validation, a mail that failed on
-- every provider, a message the broker gave up on. Kept with its payload so it can be replayed.
CREATE TABLE dead_letter (
    id                 CHAR(24)      PRIMARY KEY,
    source             VARCHAR(64)   NOT NULL,   -- receive-mail | deliver-mail | broker
    reason             VARCHAR(2000) NOT NULL,
    payload            VARCHAR,
    properties         VARCHAR,                  -- JSON: idempotency key, original queue
    mail_id            CHAR(24),
    replay_count       INTEGER       NOT NULL DEFAULT 0,
    last_replay_at     BIGINT,
    last_replay_result VARCHAR(2000),
    created_at         BIGINT        NOT NULL
);
CREATE INDEX dead_letter_created ON dead_letter (created_at);
CREATE UNIQUE INDEX dead_letter_mail ON dead_letter (mail_id);
