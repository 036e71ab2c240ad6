-- H2 keeps a VARCHAR or BYTEA value inside its row, and a row inside a page shared with its neighbours:
-- every change to a mail's status, and every insert beside it, read and rewrote its multi-megabyte body
-- (ten 4 MB mails ran a 128 MB heap out of memory inside H2). As a large object (CLOB, BLOB), a large value lives in
-- H2's LOB storage, written once and streamed; the row keeps a reference. PostgreSQL moves large values
-- out of the row by itself (TOAST), so its migration of this version changes nothing.
ALTER TABLE mail ALTER COLUMN body SET DATA TYPE CHARACTER LARGE OBJECT;
ALTER TABLE mail ALTER COLUMN content SET DATA TYPE CHARACTER LARGE OBJECT;
ALTER TABLE mail_rendering ALTER COLUMN html SET DATA TYPE CHARACTER LARGE OBJECT;
ALTER TABLE mail_rendering ALTER COLUMN text SET DATA TYPE CHARACTER LARGE OBJECT;
ALTER TABLE mail_attachment ALTER COLUMN content SET DATA TYPE BINARY LARGE OBJECT;
ALTER TABLE dead_letter ALTER COLUMN payload SET DATA TYPE CHARACTER LARGE OBJECT;
