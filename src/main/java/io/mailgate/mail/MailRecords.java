package io.mailgate.mail;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.GroupCommit;
import io.mailgate.platform.db.RqlSelect;
import io.mailgate.platform.db.Statements;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.platform.rql.SqlQuery;
import io.mailgate.security.Secrets;

/** The record of every mail (API.md §2): stored once per idempotency key, found, listed with RQL, counted open, deleted. */
public class MailRecords {

    static final String COLUMNS = "m.id, m.creator_id, m.from_address, m.subject, m.body, m.template_id, "
            + "m.template_name, m.language, m.time_zone, m.content, m.views, m.status, m.provider, "
            + "m.provider_message_id, m.failure_reason, m.creation_timestamp, m.update_timestamp, m.waiting_parts, "
            + "m.attempts, m.next_attempt_at, m.last_error, m.recipients_pending, m.recipients_refused, m.list_unsubscribe, "
            + "m.ignore_suppression";
    /** Mails stored in one transaction at most, and transactions storing at the same time at most. */
    private static final int MAX_BATCH = 64;
    private static final int WRITERS = 2;

    private final Jdbi jdbi;
    private final GroupCommit<MailWrites.StoreRequest, AcceptedMail> group;

    MailRecords(Jdbi jdbi, Json json, Clock clock, IdempotencyKeyStore idempotencyKeys, RecentMails recent) {
        this.jdbi = jdbi;
        MailWrites writes = new MailWrites(jdbi, json, clock, idempotencyKeys, recent);
        this.group = new GroupCommit<>(MAX_BATCH, WRITERS, writes::storeBatch);
    }

    /**
     * Stores a composed mail as QUEUED, with what delivery will need, in one transaction, shared with
     * the mails other callers store at the same moment (group commit): the caller returns once that
     * transaction committed. With an idempotency key the key is recorded in the same transaction: the
     * same key and body give back the first mail (created = false), another body is a 409. Two
     * concurrent requests with one key race on the key's primary key; the loser reads the winner's mail.
     */
    public AcceptedMail store(ComposedMail composed, String creatorId, String idempotencyKey) {
        return group.write(new MailWrites.StoreRequest(composed, creatorId, idempotencyKey));
    }

    public Optional<Mail> find(String id) {
        return jdbi.withHandle(handle -> read(handle, "m.id = ?", List.of(id))).stream().findFirst().map(StoredMail::mail);
    }

    public void delete(String id) {
        Ids.require(id, "id");
        int deleted = jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM mail WHERE id = ?").bind(0, id).execute());
        if (deleted == 0) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No mail found with id " + id);
        }
    }

    /**
     * Counts one open of the template mail with this tracking hash. A single UPDATE, so concurrent
     * opens, on any number of instances, are all counted.
     *
     * @return the mail's id, or empty when no mail has the hash
     */
    public Optional<String> countOpen(Object trackingHash) {
        if (!(trackingHash instanceof String hash) || hash.isEmpty() || hash.length() > 100) {
            return Optional.empty();
        }
        String sha = Secrets.sha256(hash);
        return jdbi.inTransaction(handle -> {
            int counted = handle.createUpdate("UPDATE mail SET views = views + 1 WHERE tracking_hash_sha = ?").bind(0, sha).execute();
            return counted == 0 ? Optional.empty() : handle.createQuery("SELECT id FROM mail WHERE tracking_hash_sha = ?").bind(0, sha)
                    .mapTo(String.class).findFirst();
        });
    }

    /** One page of mails matching the query, and the total when the query did not skip counting. */
    public Page list(SqlQuery query, boolean unsentOnly) {
        SqlQuery effective = unsentOnly ? query.and("m.status <> ?", List.of(Mail.Status.SENT.wire())) : query;
        return jdbi.withHandle(handle -> {
            List<StoredMail> rows = RqlSelect.page(handle, COLUMNS, "mail m", effective, MailRecords::row);
            Optional<Long> total = effective.skipCount() ? Optional.empty()
                    : Optional.of(RqlSelect.count(handle, "mail m", effective));
            return new Page(withAddresses(handle, rows).stream().map(StoredMail::mail).toList(), total);
        });
    }

    public record Page(List<Mail> mails, Optional<Long> total) {
    }

    /** The renderings of template mails still waiting for delivery, by mail id. */
    public Map<String, ComposedMail.Rendering> renderings(List<String> mailIds) {
        if (mailIds.isEmpty()) {
            return Map.of();
        }
        Map<String, ComposedMail.Rendering> renderings = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT mail_id, html, text FROM mail_rendering WHERE mail_id IN (<ids>)")
                .bindList("ids", mailIds)
                .map((rows, context) -> Map.entry(rows.getString("mail_id"),
                        new ComposedMail.Rendering(rows.getString("html"), rows.getString("text"))))
                .forEach(entry -> renderings.put(entry.getKey(), entry.getValue())));
        return renderings;
    }

    /** A mail as stored, and whether it still has parts waiting for delivery. */
    record StoredMail(Mail mail, boolean waitingParts) {
    }

    /** The mails matching a condition on {@code mail m}, with their addresses. */
    static List<StoredMail> read(Handle handle, String where, List<Object> parameters) {
        return withAddresses(handle, Statements.bindAll(handle.createQuery("SELECT " + COLUMNS + " FROM mail m WHERE " + where),
                parameters).map(MailRecords::row).list());
    }

    private static StoredMail row(ResultSet rows, StatementContext context) throws SQLException {
        Mail mail = new Mail(rows.getString("id"), rows.getString("creator_id"), rows.getString("from_address"), List.of(),
                new MailRequest.Recipients(List.of(), List.of(), List.of()), rows.getString("subject"), rows.getString("body"),
                Optional.ofNullable(rows.getString("template_id")), Optional.ofNullable(rows.getString("template_name")),
                Optional.ofNullable(rows.getString("language")), Optional.ofNullable(rows.getString("time_zone")),
                Optional.ofNullable(rows.getString("content")), rows.getInt("views"),
                Mail.Status.valueOf(rows.getString("status").toUpperCase(Locale.ROOT)),
                Optional.ofNullable(rows.getString("provider")), Optional.ofNullable(rows.getString("provider_message_id")),
                Optional.ofNullable(rows.getString("failure_reason")), rows.getLong("creation_timestamp"),
                rows.getLong("update_timestamp"), attempts(rows),
                new MailOptions(rows.getBoolean("list_unsubscribe"), rows.getBoolean("ignore_suppression")));
        return new StoredMail(mail, rows.getBoolean("waiting_parts"));
    }

    private static Mail.Attempts attempts(ResultSet rows) throws SQLException {
        long next = rows.getLong("next_attempt_at");
        Optional<Long> nextAttemptAt = rows.wasNull() ? Optional.empty() : Optional.of(next);
        return new Mail.Attempts(rows.getInt("attempts"), nextAttemptAt, Optional.ofNullable(rows.getString("last_error")),
                RecipientLists.addresses(rows.getString("recipients_pending")),
                RecipientLists.refused(rows.getString("recipients_refused")));
    }

    /** Fills in recipients and reply-to addresses, for all the mails in one query. */
    private static List<StoredMail> withAddresses(Handle handle, List<StoredMail> rows) {
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, Map<String, List<String>>> byMail = new LinkedHashMap<>();
        handle.createQuery("SELECT mail_id, kind, address FROM mail_address WHERE mail_id IN (<ids>) "
                        + "ORDER BY mail_id, kind, position")
                .bindList("ids", rows.stream().map(row -> row.mail().id()).toList())
                .map((result, context) -> byMail.computeIfAbsent(result.getString("mail_id"), k -> new LinkedHashMap<>())
                        .computeIfAbsent(result.getString("kind"), k -> new ArrayList<>())
                        .add(result.getString("address")))
                .list();
        List<StoredMail> filled = new ArrayList<>(rows.size());
        for (StoredMail row : rows) {
            Map<String, List<String>> addresses = byMail.getOrDefault(row.mail().id(), Map.of());
            Mail m = row.mail();
            MailRequest.Recipients recipients = new MailRequest.Recipients(addresses.getOrDefault("to", List.of()),
                    addresses.getOrDefault("cc", List.of()), addresses.getOrDefault("bcc", List.of()));
            filled.add(new StoredMail(new Mail(m.id(), m.creatorId(), m.from(), addresses.getOrDefault("reply_to", List.of()),
                    recipients, m.subject(), m.body(), m.templateId(), m.templateName(), m.language(), m.timeZone(),
                    m.contentJson(), m.views(), m.status(), m.provider(), m.providerMessageId(), m.failureReason(),
                    m.creationTimestamp(), m.updateTimestamp(), m.attempts(), m.options()), row.waitingParts()));
        }
        return filled;
    }
}
