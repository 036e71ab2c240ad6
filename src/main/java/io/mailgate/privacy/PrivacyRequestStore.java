package io.mailgate.privacy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.Statements;

/** Privacy requests, the mails sent for them, and their verification codes (hashes only). */
public class PrivacyRequestStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, external_id, status, policy_key, identity, language, requested_at, reviewed_at, "
            + "deny_reason, finished_at, failures, created_at";

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;

    public PrivacyRequestStore(Jdbi jdbi, Json json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    /** A verification code as stored: its hash, when it expires, and the wrong attempts so far. */
    public record CodeState(String hash, long expiresAt, int attempts) {
    }

    public String create(String externalId, String status, String policyKey, Map<String, String> identity, String language,
                         Long requestedAt) {
        long now = clock.millis();
        String id = Ids.newId(now);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO privacy_request (id, external_id, status, policy_key, identity, "
                        + "language, requested_at, failures, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?)")
                .bind(0, id).bind(1, externalId).bind(2, status).bind(3, policyKey).bind(4, json.write(identity))
                .bind(5, language).bind(6, requestedAt).bind(7, now).bind(8, now)
                .execute());
        return id;
    }

    /** Moves a request from one status to another; false when it was not in the expected status. */
    public boolean transition(String id, String from, String to, String denyReason) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE privacy_request SET status = ?, "
                        + "deny_reason = COALESCE(?, deny_reason), "
                        + "reviewed_at = CASE WHEN ? IN ('approved', 'denied') THEN ? ELSE reviewed_at END, "
                        + "finished_at = CASE WHEN ? = 'complete' THEN ? ELSE finished_at END, updated_at = ? "
                        + "WHERE id = ? AND status = ?")
                .bind(0, to).bind(1, denyReason).bind(2, to).bind(3, now).bind(4, to).bind(5, now).bind(6, now).bind(7, id)
                .bind(8, from)
                .execute()) == 1;
    }

    public synchronized void addFailure(String id, String failure) {
        PrivacyRequest request = find(id).orElseThrow();
        List<String> failures = new ArrayList<>(request.failures());
        failures.add(failure);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE privacy_request SET failures = ?, updated_at = ? WHERE id = ?")
                .bind(0, json.write(failures)).bind(1, clock.millis()).bind(2, id)
                .execute());
    }

    public void recordMail(String requestId, String mailId, String kind) {
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO privacy_request_mail (request_id, mail_id, kind, created_at) "
                        + "SELECT ?, ?, ?, ? WHERE NOT EXISTS "
                        + "(SELECT 1 FROM privacy_request_mail WHERE request_id = ? AND mail_id = ?)")
                .bind(0, requestId).bind(1, mailId).bind(2, kind).bind(3, clock.millis()).bind(4, requestId).bind(5, mailId)
                .execute());
    }

    /** request id → its mails: (mail id, kind, status). */
    public Map<String, List<Map<String, Object>>> mails(List<String> requestIds) {
        Map<String, List<Map<String, Object>>> byRequest = new LinkedHashMap<>();
        jdbi.useHandle(handle -> {
            for (String id : requestIds) {
                byRequest.put(id, handle.createQuery("SELECT p.mail_id, p.kind, m.status FROM privacy_request_mail p "
                                + "LEFT JOIN mail m ON m.id = p.mail_id WHERE p.request_id = ? ORDER BY p.created_at, p.mail_id")
                        .bind(0, id)
                        .map((rows, context) -> {
                            Map<String, Object> mail = new LinkedHashMap<>();
                            mail.put("mail_id", rows.getString("mail_id"));
                            mail.put("kind", rows.getString("kind"));
                            mail.put("status", rows.getString("status"));
                            return mail;
                        })
                        .list());
            }
        });
        return byRequest;
    }

    public Optional<PrivacyRequest> find(String id) {
        return select("SELECT " + COLUMNS + " FROM privacy_request WHERE id = ?", List.of(id)).stream().findFirst();
    }

    public List<PrivacyRequest> page(Optional<String> id, Optional<String> status, int page, int size) {
        List<Object> parameters = filterValues(id, status);
        parameters.add(size);
        parameters.add((long) (page - 1) * size);
        return select("SELECT " + COLUMNS + " FROM privacy_request WHERE " + where(id, status)
                + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?", parameters);
    }

    public long count(Optional<String> id, Optional<String> status) {
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery("SELECT COUNT(*) FROM privacy_request WHERE "
                + where(id, status)), filterValues(id, status)).mapTo(Long.class).one());
    }

    private static String where(Optional<String> id, Optional<String> status) {
        return (id.isPresent() ? "id = ?" : "1 = 1") + (status.isPresent() ? " AND status = ?" : "");
    }

    private static List<Object> filterValues(Optional<String> id, Optional<String> status) {
        List<Object> values = new ArrayList<>();
        id.ifPresent(values::add);
        status.ifPresent(values::add);
        return values;
    }

    // ---- verification codes ----------------------------------------------------------------------

    public void saveCode(String requestId, String codeHash, long expiresAt) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM verification_code WHERE request_id = ?").bind(0, requestId).execute();
            handle.createUpdate("INSERT INTO verification_code (request_id, code_hash, expires_at, attempts) VALUES (?, ?, ?, 0)")
                    .bind(0, requestId).bind(1, codeHash).bind(2, expiresAt)
                    .execute();
        });
    }

    public Optional<CodeState> codeState(String requestId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT code_hash, expires_at, attempts FROM verification_code WHERE request_id = ?")
                .bind(0, requestId)
                .map((rows, context) -> new CodeState(rows.getString("code_hash"), rows.getLong("expires_at"),
                        rows.getInt("attempts")))
                .findOne());
    }

    /** Counts a wrong attempt atomically; returns the attempts made. */
    public int failAttempt(String requestId) {
        return jdbi.inTransaction(handle -> {
            handle.createUpdate("UPDATE verification_code SET attempts = attempts + 1 WHERE request_id = ?")
                    .bind(0, requestId).execute();
            return handle.createQuery("SELECT attempts FROM verification_code WHERE request_id = ?").bind(0, requestId)
                    .mapTo(Integer.class).findOne().orElse(Integer.MAX_VALUE);
        });
    }

    public void deleteCode(String requestId) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM verification_code WHERE request_id = ?")
                .bind(0, requestId).execute());
    }

    private List<PrivacyRequest> select(String sql, List<Object> parameters) {
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery(sql), parameters).map(this::row).list());
    }

    private PrivacyRequest row(ResultSet rows, StatementContext context) throws SQLException {
        return new PrivacyRequest(rows.getString("id"), rows.getString("external_id"), rows.getString("status"),
                rows.getString("policy_key"), json.read(rows.getString("identity"), STRINGS),
                Optional.ofNullable(rows.getString("language")), Statements.optionalLong(rows, "requested_at"),
                Statements.optionalLong(rows, "reviewed_at"), Optional.ofNullable(rows.getString("deny_reason")),
                Statements.optionalLong(rows, "finished_at"), json.read(rows.getString("failures"), LIST),
                rows.getLong("created_at"));
    }
}
