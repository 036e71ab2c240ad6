-- Templates of the Extra Horizon Template Service (v2): declared inputs and Mustache outputs.
CREATE TABLE template (
    id                 CHAR(24)     PRIMARY KEY,
    name               VARCHAR(255) NOT NULL UNIQUE,
    description        VARCHAR(2000),
    inputs             VARCHAR      NOT NULL,   -- JSON object: input name -> {"type": ...}
    outputs            VARCHAR      NOT NULL,   -- JSON object: output name -> Mustache source
    creation_timestamp BIGINT       NOT NULL,
    update_timestamp   BIGINT       NOT NULL
);

-- The localization keys a template's outputs use ({{#t}}key{{/t}}), recorded when it is saved, so
-- that one query fetches a template together with every localization it needs.
CREATE TABLE template_localization_key (
    template_id CHAR(24)     NOT NULL REFERENCES template (id) ON DELETE CASCADE,
    localization_key VARCHAR(255) NOT NULL,
    PRIMARY KEY (template_id, localization_key)
);

CREATE TABLE localization (
    id                 CHAR(24)     PRIMARY KEY,
    localization_key   VARCHAR(255) NOT NULL UNIQUE,   -- "key" in the API; KEY is reserved in H2
    text               VARCHAR      NOT NULL,   -- JSON object: language (EN, NL, ...) -> text
    creation_timestamp BIGINT       NOT NULL,
    update_timestamp   BIGINT       NOT NULL
);

-- Open tracking: only the SHA-256 of a template mail's tracking hash is kept.
ALTER TABLE mail ADD COLUMN tracking_hash_sha CHAR(64);
CREATE UNIQUE INDEX mail_tracking ON mail (tracking_hash_sha);

-- A template mail's rendered HTML and text wait here for delivery and are deleted after it, like
-- attachments: the Mail record never shows rendered HTML.
CREATE TABLE mail_rendering (
    mail_id CHAR(24) PRIMARY KEY REFERENCES mail (id) ON DELETE CASCADE,
    html    VARCHAR,
    text    VARCHAR
);
