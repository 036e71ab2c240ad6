-- Endpoints applications subscribe to be told of their mails' events (Standard Webhooks: each event is
-- a signed POST). The signing secret is encrypted, bound to the endpoint's id; it is shown once, when
-- the endpoint is made.
CREATE TABLE webhook (
    id            CHAR(24)      PRIMARY KEY,
    client_id     VARCHAR(64)   NOT NULL,
    url           VARCHAR(2000) NOT NULL,
    events        VARCHAR(200)  NOT NULL,   -- comma separated: delivered,bounced,complained,opened,unsubscribed
    description   VARCHAR(500),
    secret_sealed VARCHAR(1000) NOT NULL,
    created_at    BIGINT        NOT NULL
);
CREATE INDEX webhook_client ON webhook (client_id);

-- One row per event and endpoint: the message sent (its id is the webhook-id, the same on every
-- attempt), where its delivery stands, and the endpoint's last answer. This is the endpoint's delivery
-- log; sending is claimed like mail delivery, so that every instance can send and none twice at once.
CREATE TABLE webhook_delivery (
    id              CHAR(24)     PRIMARY KEY,
    webhook_id      CHAR(24)     NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event_id        CHAR(24)     NOT NULL,
    event_type      VARCHAR(16)  NOT NULL,
    payload         VARCHAR      NOT NULL,
    status          VARCHAR(16)  NOT NULL,   -- pending | delivered | failed
    attempts        INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at BIGINT       NOT NULL,
    claimed_until   BIGINT,
    last_status     INTEGER,                 -- the endpoint's HTTP status; 0 when it did not answer
    last_error      VARCHAR(500),
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_log ON webhook_delivery (webhook_id, created_at);
