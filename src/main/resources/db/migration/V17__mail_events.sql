-- What happened to a mail after a provider took it: delivered, bounced (hard or soft), complained,
-- opened, unsubscribed - reported by SES (SNS), Mailgun (webhooks), SMTP answers and bounce mails, the
-- tracking image and the unsubscribe link. Each event arrives once: source_key is the reporter's own
-- identity of the event, so a redelivered one is refused by the unique index and changes nothing.
CREATE TABLE mail_event (
    id          CHAR(24)      PRIMARY KEY,   -- also the webhook-id of the event sent to subscribers
    mail_id     CHAR(24)      NOT NULL REFERENCES mail (id) ON DELETE CASCADE,
    type        VARCHAR(16)   NOT NULL,      -- delivered | bounced | complained | opened | unsubscribed
    occurred_at BIGINT        NOT NULL,      -- when the reporter says it happened
    recipient   VARCHAR(320),                -- lower case
    detail      VARCHAR(2000),               -- a bounce's diagnostic, a complaint's feedback type, an open's user agent
    bounce      VARCHAR(4),                  -- hard | soft, for bounced
    machine     BOOLEAN       NOT NULL DEFAULT FALSE, -- an open by a prefetching proxy or a scanner
    source      VARCHAR(16)   NOT NULL,      -- ses | mailgun | smtp | dsn | tracking | unsubscribe
    source_key  VARCHAR(300)  NOT NULL,
    created_at  BIGINT        NOT NULL
);
CREATE UNIQUE INDEX mail_event_source ON mail_event (source_key);
CREATE INDEX mail_event_mail ON mail_event (mail_id, occurred_at);
CREATE INDEX mail_event_recipient ON mail_event (recipient, type, occurred_at);

-- SES reports a mail by the message id it answered the send with.
CREATE INDEX mail_provider_message ON mail (provider_message_id);

-- Tokens of signed provider webhooks already seen (Mailgun signs timestamp + token): a replayed
-- request within the timestamp window is refused. Rows older than the window are deleted.
CREATE TABLE webhook_token (
    token       VARCHAR(128) PRIMARY KEY,
    seen_at     BIGINT       NOT NULL
);
CREATE INDEX webhook_token_seen ON webhook_token (seen_at);
