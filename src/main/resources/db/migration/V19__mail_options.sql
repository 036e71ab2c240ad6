-- What a send may ask beyond Extra Horizon's mail: a one-click unsubscribe link (RFC 8058), and, for
-- critical mail sent by a client holding suppression:override, delivery to suppressed addresses too.
ALTER TABLE mail ADD COLUMN list_unsubscribe BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE mail ADD COLUMN ignore_suppression BOOLEAN NOT NULL DEFAULT FALSE;
