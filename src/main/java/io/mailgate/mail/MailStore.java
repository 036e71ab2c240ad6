package io.mailgate.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.mailgate.api.ApiException;
import io.mailgate.api.ErrorCode;
import io.mailgate.query.SqlQuery;
import io.mailgate.security.Secrets;
import io.mailgate.store.Ids;
import io.mailgate.store.Json;
import io.mailgate.store.UniqueViolation;
import io.mailgate.store.Sql;

/** Stores mails and moves them through QUEUED → SENDING → SENT | FAILED. All SQL is parameterised. */
public class MailStore {

    private static final String COLUMNS = "m.id, m.creator_id, m.from_address, m.subject, m.body, m.template_id, "
            + "m.template_name, m.language, m.time_zone, m.content, m.views, m.status, m.provider, "
            + "m.provider_message_id, m.failure_reason, m.creation_timestamp, m.update_timestamp, m.waiting_parts";
    private static final int MAX_REASON = 2000;

    private static final int MAX_KEY_ATTEMPTS = 5;
    /** What the copies of recently stored mails may hold, in characters (about twice as many bytes). */
    private static final long RECENT_MAX_CHARS = 1_000_000;

    private final DataSource dataSource;
    private final Json json;
    private final Clock clock;
    private final long claimTimeoutMillis;
    private final long idempotencyTtlMillis;
    private final long startedAt;
    private final RecentMails recent;

    /**
     * @param claimTimeoutMillis   how long a delivery may hold a mail in SENDING before it counts as crashed
     * @param idempotencyTtlMillis how long an idempotency key is remembered
     */
    public MailStore(DataSource dataSource, Json json, Clock clock, long claimTimeoutMillis, long idempotencyTtlMillis) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
        this.claimTimeoutMillis = claimTimeoutMillis;
        this.idempotencyTtlMillis = idempotencyTtlMillis;
        this.startedAt = clock.millis();
        this.recent = new RecentMails(RECENT_MAX_CHARS, claimTimeoutMillis);
    }

    /**
     * Stores a composed mail as QUEUED, with its attachments and rendering, in one transaction. With
     * an idempotency key the key is recorded in the same transaction: the same key and body give back
     * the first mail (created = false), another body is a 409. Two concurrent requests with one key
     * race on the key's primary key; the loser reads the winner's mail.
     */
    public AcceptedMail store(ComposedMail composed, String creatorId, String idempotencyKey) {
        for (int attempt = 1; ; attempt++) {
            try {
                return storeOnce(composed, creatorId, idempotencyKey);
            } catch (KeyRace race) {
                if (attempt >= MAX_KEY_ATTEMPTS) {
                    throw new IllegalStateException("Idempotency key kept racing", race.getCause());
                }
            }
        }
    }

    /** A concurrent request inserted the same idempotency key first: look again. */
    private static final class KeyRace extends RuntimeException {
        KeyRace(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private AcceptedMail storeOnce(ComposedMail composed, String creatorId, String idempotencyKey) {
        MailRequest request = composed.request();
        long now = clock.millis();
        String id = Ids.newId(now);
        Optional<String> content = request.content().map(json::write);
        boolean waitingParts = composed.rendering().isPresent() || !request.attachments().isEmpty();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                String requestHash = idempotencyKey == null ? null : request.requestHash();
                if (idempotencyKey != null) {
                    Optional<AcceptedMail> earlier = earlier(connection, creatorId, idempotencyKey, requestHash, now);
                    if (earlier.isPresent()) {
                        connection.commit();
                        return earlier.get();
                    }
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO mail (id, creator_id, "
                        + "from_address, subject, body, template_id, template_name, language, time_zone, content, views, "
                        + "status, creation_timestamp, update_timestamp, tracking_hash_sha, waiting_parts) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, id);
                    insert.setString(2, creatorId);
                    insert.setString(3, request.from());
                    insert.setString(4, composed.subject());
                    insert.setString(5, request.body());
                    insert.setString(6, composed.templateId().orElse(null));
                    insert.setString(7, composed.templateName().orElse(null));
                    insert.setString(8, request.language().orElse(null));
                    insert.setString(9, request.timeZone().orElse(null));
                    insert.setString(10, content.orElse(null));
                    insert.setString(11, Mail.Status.QUEUED.wire());
                    insert.setLong(12, now);
                    insert.setLong(13, now);
                    insert.setString(14, composed.trackingHash().map(Secrets::sha256).orElse(null));
                    insert.setBoolean(15, waitingParts);
                    insert.executeUpdate();
                }
                insertAddresses(connection, id, request);
                insertRendering(connection, id, composed.rendering());
                insertAttachments(connection, id, request.attachments());
                if (idempotencyKey != null) {
                    insertKey(connection, creatorId, idempotencyKey, requestHash, id, now);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (idempotencyKey != null && (UniqueViolation.is(e) || isLockTimeout(e))) {
                throw new KeyRace(e);
            }
            throw new IllegalStateException("Cannot store mail", e);
        }
        Mail mail = new Mail(id, creatorId, request.from(), request.replyTo(), request.recipients(), composed.subject(),
                request.body(), composed.templateId(), composed.templateName(), request.language(), request.timeZone(),
                content, 0, Mail.Status.QUEUED, Optional.empty(), Optional.empty(),
                Optional.empty(), now, now);
        if (request.attachments().isEmpty()) {
            recent.put(new OutboundMail(mail, List.of(), composed.rendering(), waitingParts), now);
        }
        return new AcceptedMail(mail, true);
    }

    private Optional<AcceptedMail> earlier(Connection connection, String clientId, String key, String hash, long now)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT request_hash, mail_id, created_at FROM idempotency_key WHERE client_id = ? AND idem_key = ?")) {
            select.setString(1, clientId);
            select.setString(2, key);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                if (rows.getLong(3) < now - idempotencyTtlMillis) {
                    // Expired: forget it, and this request takes the key.
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM idempotency_key WHERE client_id = ? AND idem_key = ?")) {
                        delete.setString(1, clientId);
                        delete.setString(2, key);
                        delete.executeUpdate();
                    }
                    return Optional.empty();
                }
                if (!rows.getString(1).equals(hash)) {
                    throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                            "The idempotency key was already used for a different request");
                }
                String mailId = rows.getString(2);
                return Optional.of(new AcceptedMail(find(mailId).orElseThrow(() -> new ApiException(
                        ErrorCode.IDEMPOTENCY_KEY_REUSED, "The idempotency key belongs to a mail that was deleted")), false));
            }
        }
    }

    private static void insertKey(Connection connection, String clientId, String key, String hash, String mailId, long now)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO idempotency_key (client_id, idem_key, "
                + "request_hash, mail_id, created_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, clientId);
            insert.setString(2, key);
            insert.setString(3, hash);
            insert.setString(4, mailId);
            insert.setLong(5, now);
            insert.executeUpdate();
        }
    }

    /** H2 answers a row lock held by a concurrent transaction with a lock timeout (HYT00). */
    private static boolean isLockTimeout(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("HYT00".equals(sql.getSQLState()) || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Forgets idempotency keys older than their time to live. */
    public int purgeIdempotencyKeys() {
        return update("DELETE FROM idempotency_key WHERE created_at < ?", clock.millis() - idempotencyTtlMillis);
    }

    public Optional<Mail> find(String id) {
        List<Mail> mails = select("SELECT " + COLUMNS + " FROM mail m WHERE m.id = ?", List.of(id));
        return mails.stream().findFirst();
    }

    public void delete(String id) {
        int deleted = update("DELETE FROM mail WHERE id = ?", id);
        if (deleted == 0) {
            throw new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No mail found with id " + id);
        }
    }

    /**
     * Marks a mail SENDING and returns it with its attachments, or null when there is nothing to deliver:
     * the mail is unknown, SENT, FAILED, or being sent by another delivery right now. A redelivered or
     * duplicated queue message therefore never sends a mail twice; a claim older than the claim
     * timeout (a crash mid-send) is taken over.
     */
    public OutboundMail claim(String id) {
        long now = clock.millis();
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement claim = connection.prepareStatement("UPDATE mail SET status = ?, claimed_at = ?, "
                    + "update_timestamp = ? WHERE id = ? AND (status = ? OR (status = ? AND claimed_at < ?))")) {
                Sql.bind(claim, List.of(Mail.Status.SENDING.wire(), now, now, id, Mail.Status.QUEUED.wire(),
                        Mail.Status.SENDING.wire(), now - claimTimeoutMillis));
                if (claim.executeUpdate() == 0) {
                    recent.take(id);
                    return null;
                }
            }
            OutboundMail stored = recent.take(id);
            if (stored != null) {
                return stored;
            }
            List<Row> rows = rows(connection, "SELECT " + COLUMNS + " FROM mail m WHERE m.id = ?", List.of(id));
            Mail mail = mails(connection, rows).get(0);
            if (!rows.get(0).waitingParts()) {
                return new OutboundMail(mail, List.of(), Optional.empty(), false);
            }
            return new OutboundMail(mail, attachments(connection, id), rendering(connection, id), true);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot claim mail " + id, e);
        }
    }

    private static List<MailRequest.Attachment> attachments(Connection connection, String id) throws SQLException {
        return Sql.list(connection, "SELECT name, content_type, content FROM mail_attachment WHERE mail_id = ? ORDER BY position",
                List.of(id), rows -> new MailRequest.Attachment(rows.getString(1), rows.getString(2), rows.getBytes(3)));
    }

    /**
     * Counts one open of the template mail with this tracking hash. A single UPDATE, so concurrent
     * opens, on any number of instances, are all counted.
     *
     * @return 1, or 0 when no mail has the hash
     */
    public int countOpen(Object trackingHash) {
        if (!(trackingHash instanceof String hash) || hash.isEmpty() || hash.length() > 100) {
            return 0;
        }
        return update("UPDATE mail SET views = views + 1 WHERE tracking_hash_sha = ?", Secrets.sha256(hash));
    }

    /**
     * Mails to put back on the delivery queue: QUEUED too long (a crash between store and enqueue) or
     * SENDING past the claim timeout (a crash mid-send). Each is touched so that the next sweep, here
     * or on another instance, leaves it alone for a while.
     */
    public List<String> takeStale(long queuedForMillis) {
        long now = clock.millis();
        List<String> candidates = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id FROM mail WHERE (status = ? AND update_timestamp < ?) "
                     + "OR (status = ? AND claimed_at < ?) ORDER BY update_timestamp LIMIT 1000")) {
            select.setString(1, Mail.Status.QUEUED.wire());
            select.setLong(2, now - queuedForMillis);
            select.setString(3, Mail.Status.SENDING.wire());
            select.setLong(4, now - claimTimeoutMillis);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    candidates.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot find stale mails", e);
        }
        List<String> taken = new ArrayList<>();
        for (String id : candidates) {
            // Only the sweeper whose update wins re-enqueues the mail.
            int touched = update("UPDATE mail SET update_timestamp = ? WHERE id = ? AND ((status = ? AND update_timestamp < ?) "
                            + "OR (status = ? AND claimed_at < ?))", now, id, Mail.Status.QUEUED.wire(), now - queuedForMillis,
                    Mail.Status.SENDING.wire(), now - claimTimeoutMillis);
            if (touched == 1) {
                taken.add(id);
            }
        }
        return taken;
    }

    /**
     * At start: QUEUED mails older than this instance. Delivery wake-ups are not persistent (the mail
     * record is), so after a restart these may have none.
     */
    public List<String> takeQueuedBeforeStart() {
        return takeStale(clock.millis() - startedAt);
    }

    /** A FAILED mail goes back to QUEUED, for a replay; false when it is not FAILED. */
    public boolean requeueFailed(String id) {
        return update("UPDATE mail SET status = ?, claimed_at = NULL, failure_reason = NULL, update_timestamp = ? "
                + "WHERE id = ? AND status = ?", Mail.Status.QUEUED.wire(), clock.millis(), id, Mail.Status.FAILED.wire()) == 1;
    }

    public void markSent(OutboundMail outbound, String provider, String providerMessageId) {
        finish(outbound, Mail.Status.SENT, provider, providerMessageId, null);
    }

    public void markFailed(OutboundMail outbound, String provider, String reason) {
        String text = reason == null || reason.isBlank() ? "delivery failed" : reason;
        finish(outbound, Mail.Status.FAILED, provider, null, text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text);
    }

    /** One page of mails matching the query, and the total when the query did not skip counting. */
    public Page list(SqlQuery query, boolean unsentOnly) {
        String where = query.where();
        List<Object> parameters = new ArrayList<>(query.whereParameters());
        if (unsentOnly) {
            where = "m.status <> ? AND (" + where + ")";
            parameters.add(0, Mail.Status.SENT.wire());
        }
        List<Object> pageParameters = new ArrayList<>(parameters);
        pageParameters.addAll(query.orderParameters());
        pageParameters.add(query.limit());
        pageParameters.add(query.offset());
        List<Mail> mails = select("SELECT " + COLUMNS + " FROM mail m WHERE " + where + " ORDER BY " + query.orderBy()
                + " LIMIT ? OFFSET ?", pageParameters);
        Optional<Long> total = query.skipCount()
                ? Optional.empty()
                : Optional.of(count("SELECT COUNT(*) FROM mail m WHERE " + where, parameters));
        return new Page(mails, total);
    }

    public record Page(List<Mail> mails, Optional<Long> total) {
    }

    /** The final status; attachments and rendering, when the mail had any, go in the same transaction. */
    private void finish(OutboundMail outbound, Mail.Status status, String provider, String messageId, String reason) {
        String id = outbound.mail().id();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(!outbound.waitingParts());
            try (PreparedStatement mail = connection.prepareStatement("UPDATE mail SET status = ?, provider = ?, "
                    + "provider_message_id = ?, failure_reason = ?, update_timestamp = ?, waiting_parts = FALSE WHERE id = ?")) {
                mail.setString(1, status.wire());
                mail.setString(2, provider);
                mail.setString(3, messageId);
                mail.setString(4, reason);
                mail.setLong(5, clock.millis());
                mail.setString(6, id);
                mail.executeUpdate();
                if (outbound.waitingParts()) {
                    deleteWaitingParts(connection, id);
                    connection.commit();
                }
            } catch (SQLException e) {
                if (outbound.waitingParts()) {
                    connection.rollback();
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot update mail " + id, e);
        }
    }

    private static void deleteWaitingParts(Connection connection, String id) throws SQLException {
        try (PreparedStatement attachments = connection.prepareStatement("DELETE FROM mail_attachment WHERE mail_id = ?");
             PreparedStatement rendering = connection.prepareStatement("DELETE FROM mail_rendering WHERE mail_id = ?")) {
            attachments.setString(1, id);
            attachments.executeUpdate();
            rendering.setString(1, id);
            rendering.executeUpdate();
        }
    }

    private List<Mail> select(String sql, List<Object> parameters) {
        try (Connection connection = dataSource.getConnection()) {
            return mails(connection, rows(connection, sql, parameters));
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read mails", e);
        }
    }

    private static List<Row> rows(Connection connection, String sql, List<Object> parameters) throws SQLException {
        return Sql.list(connection, sql, parameters, Row::read);
    }

    private static List<Mail> mails(Connection connection, List<Row> rows) throws SQLException {
        Map<String, Map<String, List<String>>> addresses = addresses(connection, rows.stream().map(Row::id).toList());
        return rows.stream().map(row -> row.toMail(addresses.getOrDefault(row.id(), Map.of()))).toList();
    }

    private static Map<String, Map<String, List<String>>> addresses(Connection connection, List<String> ids) throws SQLException {
        Map<String, Map<String, List<String>>> byMail = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return byMail;
        }
        String placeholders = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement statement = connection.prepareStatement("SELECT mail_id, kind, address FROM mail_address "
                + "WHERE mail_id IN (" + placeholders + ") ORDER BY mail_id, kind, position")) {
            Sql.bind(statement, new ArrayList<>(ids));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    byMail.computeIfAbsent(rows.getString(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rows.getString(2), k -> new ArrayList<>())
                            .add(rows.getString(3));
                }
            }
        }
        return byMail;
    }

    private long count(String sql, List<Object> parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bind(statement, parameters);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count mails", e);
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            Sql.bind(statement, List.of(parameters));
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot update mails", e);
        }
    }


    private static void insertAddresses(Connection connection, String id, MailRequest request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO mail_address (mail_id, kind, position, address) VALUES (?, ?, ?, ?)")) {
            addBatch(insert, id, "to", request.recipients().to());
            addBatch(insert, id, "cc", request.recipients().cc());
            addBatch(insert, id, "bcc", request.recipients().bcc());
            addBatch(insert, id, "reply_to", request.replyTo());
            insert.executeBatch();
        }
    }

    private static void addBatch(PreparedStatement insert, String id, String kind, List<String> addresses) throws SQLException {
        for (int i = 0; i < addresses.size(); i++) {
            insert.setString(1, id);
            insert.setString(2, kind);
            insert.setInt(3, i);
            insert.setString(4, addresses.get(i));
            insert.addBatch();
        }
    }

    private static void insertRendering(Connection connection, String id, Optional<ComposedMail.Rendering> rendering)
            throws SQLException {
        if (rendering.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO mail_rendering (mail_id, html, text) VALUES (?, ?, ?)")) {
            insert.setString(1, id);
            insert.setString(2, rendering.get().html());
            insert.setString(3, rendering.get().text());
            insert.executeUpdate();
        }
    }

    private static Optional<ComposedMail.Rendering> rendering(Connection connection, String id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT html, text FROM mail_rendering WHERE mail_id = ?")) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(new ComposedMail.Rendering(rows.getString(1), rows.getString(2)))
                        : Optional.empty();
            }
        }
    }

    private static void insertAttachments(Connection connection, String id, List<MailRequest.Attachment> attachments)
            throws SQLException {
        if (attachments.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO mail_attachment (mail_id, position, name, content_type, content) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < attachments.size(); i++) {
                MailRequest.Attachment attachment = attachments.get(i);
                insert.setString(1, id);
                insert.setInt(2, i);
                insert.setString(3, attachment.name());
                insert.setString(4, attachment.type());
                insert.setBytes(5, attachment.content());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private record Row(String id, String creatorId, String from, String subject, String body, String templateId,
                       String templateName, String language, String timeZone, String content, int views, String status,
                       String provider, String providerMessageId, String failureReason, long created, long updated,
                       boolean waitingParts) {

        static Row read(ResultSet rows) throws SQLException {
            return new Row(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
                    rows.getString(6), rows.getString(7), rows.getString(8), rows.getString(9), rows.getString(10),
                    rows.getInt(11), rows.getString(12), rows.getString(13), rows.getString(14), rows.getString(15),
                    rows.getLong(16), rows.getLong(17), rows.getBoolean(18));
        }

        Mail toMail(Map<String, List<String>> addresses) {
            MailRequest.Recipients recipients = new MailRequest.Recipients(
                    addresses.getOrDefault("to", List.of()),
                    addresses.getOrDefault("cc", List.of()),
                    addresses.getOrDefault("bcc", List.of()));
            return new Mail(id, creatorId, from, addresses.getOrDefault("reply_to", List.of()), recipients, subject, body,
                    Optional.ofNullable(templateId), Optional.ofNullable(templateName), Optional.ofNullable(language),
                    Optional.ofNullable(timeZone), Optional.ofNullable(content), views,
                    Mail.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT)), Optional.ofNullable(provider),
                    Optional.ofNullable(providerMessageId), Optional.ofNullable(failureReason), created, updated);
        }
    }
}
