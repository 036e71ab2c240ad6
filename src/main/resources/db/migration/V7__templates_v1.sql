-- Templates of the Extra Horizon Template Service v1: a typed schema with validation options, and
-- fields in the documented part of Velocity ($content references, #if blocks, {{key,arg}} localizations).
CREATE TABLE template_v1 (
    id                 CHAR(24)     PRIMARY KEY,
    name               VARCHAR(255) NOT NULL UNIQUE,
    description        VARCHAR(2000),
    schema_json        VARCHAR      NOT NULL,   -- JSON: the schema as given (type, fields, options ...)
    fields             VARCHAR      NOT NULL,   -- JSON object: field name -> source
    creation_timestamp BIGINT       NOT NULL,
    update_timestamp   BIGINT       NOT NULL
);
