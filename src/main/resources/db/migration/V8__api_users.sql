-- API users: a person or service that logs in with a user name and password (Extra Horizon's password
-- grant, fidesops' /login) and acts with the scopes it was given. Passwords are Argon2id hashes.
CREATE TABLE api_user (
    id            CHAR(24)      PRIMARY KEY,
    username      VARCHAR(255)  NOT NULL UNIQUE,   -- stored lower case: logins are case-insensitive
    password_hash VARCHAR(255)  NOT NULL,
    first_name    VARCHAR(255),
    last_name     VARCHAR(255),
    scopes        VARCHAR(2000),                   -- space separated; NULL until permissions are set
    created_at    BIGINT        NOT NULL
);

-- A token acts for a user when user_id is set (then client_id is the client that logged the user in).
ALTER TABLE access_token ADD COLUMN user_id CHAR(24);
CREATE INDEX access_token_user ON access_token (user_id);

-- Failed logins per subject ('user:<name>' or 'client:<id>'): after too many in a row the subject
-- must wait until blocked_until; a successful login clears the user's row.
CREATE TABLE login_failure (
    subject       VARCHAR(300)  PRIMARY KEY,
    failures      INTEGER       NOT NULL,
    blocked_until BIGINT        NOT NULL,
    last_failure  BIGINT        NOT NULL
);
