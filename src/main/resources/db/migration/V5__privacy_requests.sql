-- Email connectors (fidesops ConnectionConfig): third parties asked by email to erase data.
CREATE TABLE connection_config (
    connection_key  VARCHAR(255) PRIMARY KEY,
    name            VARCHAR(255) NOT NULL UNIQUE,
    connection_type VARCHAR(16)  NOT NULL,   -- email
    access          VARCHAR(8)   NOT NULL,   -- read | write
    disabled        BOOLEAN      NOT NULL,
    description     VARCHAR(2000),
    secrets         VARCHAR,                 -- AES-GCM encrypted {"to_email","test_email"}
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL
);

-- Datasets of a connector: the collections and fields the third party holds (fidesops shape, JSON).
CREATE TABLE dataset (
    connection_key VARCHAR(255) NOT NULL REFERENCES connection_config (connection_key) ON DELETE CASCADE,
    fides_key      VARCHAR(255) NOT NULL,
    body           VARCHAR      NOT NULL,
    created_at     BIGINT       NOT NULL,
    updated_at     BIGINT       NOT NULL,
    PRIMARY KEY (connection_key, fides_key)
);

-- Policies, their rules (access | erasure) and the data categories each rule targets.
CREATE TABLE policy (
    policy_key VARCHAR(255) PRIMARY KEY,
    name       VARCHAR(255) NOT NULL,
    created_at BIGINT       NOT NULL
);
CREATE TABLE policy_rule (
    policy_key       VARCHAR(255) NOT NULL REFERENCES policy (policy_key) ON DELETE CASCADE,
    rule_key         VARCHAR(255) NOT NULL,
    name             VARCHAR(255) NOT NULL,
    action_type      VARCHAR(16)  NOT NULL,
    masking_strategy VARCHAR,                -- JSON {"strategy","configuration"}
    PRIMARY KEY (policy_key, rule_key)
);
CREATE TABLE rule_target (
    policy_key    VARCHAR(255) NOT NULL,
    rule_key      VARCHAR(255) NOT NULL,
    target_key    VARCHAR(255) NOT NULL,
    name          VARCHAR(255) NOT NULL,
    data_category VARCHAR(255) NOT NULL,
    PRIMARY KEY (policy_key, rule_key, target_key),
    FOREIGN KEY (policy_key, rule_key) REFERENCES policy_rule (policy_key, rule_key) ON DELETE CASCADE
);

-- Privacy requests and the mails sent for them.
CREATE TABLE privacy_request (
    id           CHAR(24)     PRIMARY KEY,
    external_id  VARCHAR(255),
    status       VARCHAR(32)  NOT NULL,   -- identity_unverified | pending | approved | denied | complete | error
    policy_key   VARCHAR(255) NOT NULL,
    identity     VARCHAR      NOT NULL,   -- JSON {"email","phone_number"}
    language     VARCHAR(8),
    requested_at BIGINT,
    reviewed_at  BIGINT,
    deny_reason  VARCHAR(2000),
    finished_at  BIGINT,
    failures     VARCHAR,                 -- JSON array of what failed (a dataset's erasure email, ...)
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL
);
CREATE INDEX privacy_request_status ON privacy_request (status, created_at);
CREATE TABLE privacy_request_mail (
    request_id CHAR(24)    NOT NULL REFERENCES privacy_request (id) ON DELETE CASCADE,
    mail_id    CHAR(24)    NOT NULL,
    kind       VARCHAR(64) NOT NULL,      -- the notice: privacy_request_receipt, email_erasure_fulfillment, ...
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (request_id, mail_id)
);

-- One-time identity verification codes: only a hash, a deadline and the attempts made.
CREATE TABLE verification_code (
    request_id CHAR(24) PRIMARY KEY REFERENCES privacy_request (id) ON DELETE CASCADE,
    code_hash  CHAR(64) NOT NULL,
    expires_at BIGINT   NOT NULL,
    attempts   INTEGER  NOT NULL
);
