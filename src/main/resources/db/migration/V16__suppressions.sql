-- Addresses Mailgate must not mail: per client (the client whose mails they stop; '*' for every client),
-- because of a hard bounce, a complaint, repeated soft bounces, an unsubscribe or an operator's entry.
-- A mail whose every recipient is suppressed ends 'suppressed' without reaching a provider.
CREATE TABLE suppression (
    client_id  VARCHAR(64)   NOT NULL,
    email      VARCHAR(320)  NOT NULL,   -- lower case
    reason     VARCHAR(1000) NOT NULL,
    source     VARCHAR(32)   NOT NULL,   -- api | bounce | complaint | unsubscribe
    created_at BIGINT        NOT NULL,
    PRIMARY KEY (client_id, email)
);
CREATE INDEX suppression_email ON suppression (email);
