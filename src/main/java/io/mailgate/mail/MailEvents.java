package io.mailgate.mail;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import io.mailgate.platform.Ids;

/**
 * The events of mails (table mail_event): added once per reporter's key, read per page of mails, and
 * the mail a report is about found by Mailgate's id or by the id the provider answered the send with.
 */
public class MailEvents {

    private static final String COLUMNS = "id, mail_id, type, occurred_at, recipient, detail, bounce, machine, source, source_key";

    private final Jdbi jdbi;
    private final java.time.Clock clock;

    public MailEvents(Jdbi jdbi, java.time.Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The mail a report is about: its id, its client, and when it was sent (when it was). */
    public record Target(String mailId, String clientId, Mail.Status status, Optional<Long> sentAt) {
    }

    public Optional<Target> byMailId(String mailId) {
        if (!Ids.looksLikeId(mailId)) {
            return Optional.empty();
        }
        return target("id = ?", mailId);
    }

    /** By the id the provider answered the send with (SES's MessageId, Mailgun's Message-ID with or without brackets). */
    public Optional<Target> byProviderMessageId(String providerMessageId) {
        if (providerMessageId == null || providerMessageId.isBlank() || providerMessageId.length() > 998) {
            return Optional.empty();
        }
        String bare = providerMessageId.trim().replaceAll("^<|>$", "");
        Optional<Target> found = target("provider_message_id = ?", bare);
        return found.isPresent() ? found : target("provider_message_id = ?", "<" + bare + ">");
    }

    private Optional<Target> target(String where, String value) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id, creator_id, status, update_timestamp FROM mail WHERE " + where)
                .bind(0, value)
                .map((rows, context) -> {
                    Mail.Status status = Mail.Status.valueOf(rows.getString("status").toUpperCase(java.util.Locale.ROOT));
                    return new Target(rows.getString("id"), rows.getString("creator_id"), status,
                            status == Mail.Status.SENT ? Optional.of(rows.getLong("update_timestamp")) : Optional.empty());
                })
                .findFirst());
    }

    /**
     * Adds the event in the handle's transaction, unless one with its source key is there already (then
     * nothing changes and the answer is false). Two instances adding the same event at once race on the
     * key's unique index: the loser's transaction fails, and its caller finds the event there on a retry.
     */
    public boolean add(Handle handle, MailEvent event) {
        boolean known = handle.createQuery("SELECT COUNT(*) FROM mail_event WHERE source_key = ?").bind(0, event.sourceKey())
                .mapTo(Integer.class).one() > 0;
        if (known) {
            return false;
        }
        handle.createUpdate("INSERT INTO mail_event (" + COLUMNS + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, event.id()).bind(1, event.mailId()).bind(2, event.type().wire()).bind(3, event.occurredAt())
                .bind(4, event.recipient().orElse(null)).bind(5, event.detail().orElse(null))
                .bind(6, event.bounce().map(MailEvent.Bounce::wire).orElse(null)).bind(7, event.machine())
                .bind(8, event.source()).bind(9, event.sourceKey()).bind(10, clock.millis())
                .execute();
        return true;
    }

    /** The soft bounces of an address in mails of one client after a moment. */
    public int softBounces(Handle handle, String clientId, String recipient, long since) {
        return handle.createQuery("SELECT COUNT(*) FROM mail_event e JOIN mail m ON m.id = e.mail_id WHERE e.recipient = ? "
                        + "AND e.type = ? AND e.bounce = ? AND e.occurred_at > ? AND m.creator_id = ?")
                .bind(0, recipient).bind(1, MailEvent.Type.BOUNCED.wire()).bind(2, MailEvent.Bounce.SOFT.wire()).bind(3, since)
                .bind(4, clientId).mapTo(Integer.class).one();
    }

    /** The events of these mails, oldest first, by mail id. */
    public Map<String, List<MailEvent>> of(List<String> mailIds) {
        Map<String, List<MailEvent>> events = new LinkedHashMap<>();
        if (mailIds.isEmpty()) {
            return events;
        }
        jdbi.useHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM mail_event WHERE mail_id IN (<ids>) "
                        + "ORDER BY occurred_at, id")
                .bindList("ids", mailIds).map(MailEvents::row)
                .forEach(event -> events.computeIfAbsent(event.mailId(), id -> new ArrayList<>()).add(event)));
        return events;
    }

    public Optional<MailEvent> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM mail_event WHERE id = ?").bind(0, id)
                .map(MailEvents::row).findFirst());
    }

    private static MailEvent row(ResultSet rows, StatementContext context) throws SQLException {
        String bounce = rows.getString("bounce");
        return new MailEvent(rows.getString("id"), rows.getString("mail_id"), MailEvent.Type.of(rows.getString("type")),
                rows.getLong("occurred_at"), Optional.ofNullable(rows.getString("recipient")), Optional.ofNullable(rows.getString("detail")),
                Optional.ofNullable(bounce).map(b -> MailEvent.Bounce.valueOf(b.toUpperCase(java.util.Locale.ROOT))),
                rows.getBoolean("machine"), rows.getString("source"), rows.getString("source_key"));
    }
}
