-- H2 moves large mail bodies, renderings, attachments and dead-letter payloads into its LOB storage in this
-- version (see db/vendor/h2). PostgreSQL already keeps large values out of the row (TOAST): nothing to change.
SELECT 1;
