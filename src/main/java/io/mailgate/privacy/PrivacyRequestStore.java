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
import io.mailgate.platform.db.LikePatterns;
import io.mailgate.platform.db.Statements;

/**
 * Privacy requests, the mails sent for them, and their verification codes (hashes only). Every
 * change of status is one conditional UPDATE: two instances cannot both approve, start or finish it.
 */
public class PrivacyRequestStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, external_id, status, policy_key, identity, language, requested_at, reviewed_at, "
            + "reviewed_by, identity_verified_at, started_processing_at, deny_reason, finished_at, failures, created_at, results";

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

    /** What GET /privacy-request may filter on (nulls: no filter). Times are epoch milliseconds. */
    public record Filter(String idPrefix, String externalIdPrefix, List<String> statuses, String identity, Long createdBefore,
                         Long createdAfter, Long startedBefore, Long startedAfter, Long completedBefore, Long completedAfter,
                         Long erroredBefore, Long erroredAfter) {
    }

    public String create(String externalId, String status, String policyKey, Map<String, String> identity, String language,
                         Long requestedAt) {
        long now = clock.millis();
        String id = Ids.newId(now);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO privacy_request (id, external_id, status, policy_key, identity, "
                        + "language, requested_at, failures, results, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '[]', '{}', ?, ?)")
                .bind(0, id).bind(1, externalId).bind(2, status).bind(3, policyKey).bind(4, json.write(identity))
                .bind(5, language).bind(6, requestedAt).bind(7, now).bind(8, now)
                .execute());
        return id;
    }

    /** identity_unverified → pending, stamping identity_verified_at. */
    public boolean verified(String id) {
        return update(id, "status = 'pending', identity_verified_at = ?", List.of(clock.millis()), List.of(PrivacyRequest.UNVERIFIED));
    }

    /** pending → approved or denied, stamping who reviewed it and when. */
    public boolean reviewed(String id, String status, String reviewer, String denyReason) {
        List<Object> values = new ArrayList<>();
        values.add(status);
        values.add(clock.millis());
        values.add(reviewer);
        values.add(denyReason);
        return update(id, "status = ?, reviewed_at = ?, reviewed_by = ?, deny_reason = ?", values, List.of(PrivacyRequest.PENDING));
    }

    /** pending, approved or error → in_processing; the first start is stamped, and a retry forgets the failures. */
    public boolean started(String id) {
        return update(id, "status = 'in_processing', started_processing_at = COALESCE(started_processing_at, ?), failures = '[]'",
                List.of(clock.millis()), List.of(PrivacyRequest.PENDING, PrivacyRequest.APPROVED, PrivacyRequest.ERROR));
    }

    /** in_processing → complete or error, stamping when it finished. */
    public boolean finished(String id, String status) {
        return update(id, "status = ?, finished_at = ?", List.of(status, clock.millis()), List.of(PrivacyRequest.IN_PROCESSING));
    }

    private boolean update(String id, String assignments, List<Object> values, List<String> fromStatuses) {
        List<Object> parameters = new ArrayList<>(values);
        parameters.add(clock.millis());
        parameters.add(id);
        parameters.addAll(fromStatuses);
        String in = String.join(", ", fromStatuses.stream().map(s -> "?").toList());
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createUpdate("UPDATE privacy_request SET " + assignments
                + ", updated_at = ? WHERE id = ? AND status IN (" + in + ")"), parameters).execute()) == 1;
    }

    public synchronized void addFailure(String id, String failure) {
        PrivacyRequest request = find(id).orElseThrow();
        List<String> failures = new ArrayList<>(request.failures());
        failures.add(failure);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE privacy_request SET failures = ?, updated_at = ? WHERE id = ?")
                .bind(0, json.write(failures)).bind(1, clock.millis()).bind(2, id)
                .execute());
    }

    /** Merges one step's results (e.g. "access", "erasure") into the request's. */
    public synchronized void addResult(String id, String step, Object result) {
        PrivacyRequest request = find(id).orElseThrow();
        Map<String, Object> results = new LinkedHashMap<>(request.results());
        results.put(step, result);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE privacy_request SET results = ?, updated_at = ? WHERE id = ?")
                .bind(0, json.write(results)).bind(1, clock.millis()).bind(2, id)
                .execute());
    }

    /** Adds a value to a list in the request's results, once. */
    public synchronized void addToResultList(String id, String step, String value) {
        Object earlier = find(id).orElseThrow().results().get(step);
        List<Object> values = new ArrayList<>(earlier instanceof List<?> list ? list : List.of());
        if (!values.contains(value)) {
            values.add(value);
            addResult(id, step, values);
        }
    }

    /** Replaces the identity (erasure masks the subject's own request too, once it is done). */
    public void replaceIdentity(String id, Map<String, String> identity) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE privacy_request SET identity = ?, updated_at = ? WHERE id = ?")
                .bind(0, json.write(identity)).bind(1, clock.millis()).bind(2, id)
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
        if (requestIds.isEmpty()) {
            return byRequest;
        }
        jdbi.useHandle(handle -> handle.createQuery("SELECT p.request_id, p.mail_id, p.kind, m.status FROM privacy_request_mail p "
                        + "LEFT JOIN mail m ON m.id = p.mail_id WHERE p.request_id IN (<ids>) ORDER BY p.created_at, p.mail_id")
                .bindList("ids", requestIds)
                .map((rows, context) -> {
                    Map<String, Object> mail = new LinkedHashMap<>();
                    mail.put("mail_id", rows.getString("mail_id"));
                    mail.put("kind", rows.getString("kind"));
                    mail.put("status", rows.getString("status"));
                    return Map.entry(rows.getString("request_id"), mail);
                })
                .forEach(entry -> byRequest.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).add(entry.getValue())));
        return byRequest;
    }

    /** The ids of the mails sent for any of the subject's requests. */
    public List<String> mailIds(String requestId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT mail_id FROM privacy_request_mail WHERE request_id = ?")
                .bind(0, requestId).mapTo(String.class).list());
    }

    public Optional<PrivacyRequest> find(String id) {
        return select("SELECT " + COLUMNS + " FROM privacy_request WHERE id = ?", List.of(id)).stream().findFirst();
    }

    /** Every request of a data subject, by the email of its identity. */
    public List<PrivacyRequest> withEmail(String email) {
        return select("SELECT " + COLUMNS + " FROM privacy_request WHERE LOWER(identity) LIKE ?" + LikePatterns.ESCAPE
                + " ORDER BY created_at", List.of(LikePatterns.containing("\"email\":" + json.write(email))))
                .stream().filter(r -> email.equalsIgnoreCase(r.identity().get("email"))).toList();
    }

    public List<PrivacyRequest> page(Filter filter, int page, int size) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(size);
        parameters.add((long) (page - 1) * size);
        return select("SELECT " + COLUMNS + " FROM privacy_request WHERE " + where.sql()
                + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?", parameters);
    }

    public long count(Filter filter) {
        Where where = where(filter);
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery("SELECT COUNT(*) FROM privacy_request WHERE "
                + where.sql()), where.parameters()).mapTo(Long.class).one());
    }

    private record Where(String sql, List<Object> parameters) {
    }

    private Where where(Filter filter) {
        StringBuilder sql = new StringBuilder("1 = 1");
        List<Object> values = new ArrayList<>();
        if (filter.idPrefix() != null) {
            sql.append(" AND LOWER(id) LIKE ?" + LikePatterns.ESCAPE);
            values.add(LikePatterns.startingWith(filter.idPrefix()));
        }
        if (filter.externalIdPrefix() != null) {
            sql.append(" AND LOWER(external_id) LIKE ?" + LikePatterns.ESCAPE);
            values.add(LikePatterns.startingWith(filter.externalIdPrefix()));
        }
        if (filter.statuses() != null && !filter.statuses().isEmpty()) {
            sql.append(" AND status IN (").append(String.join(", ", filter.statuses().stream().map(s -> "?").toList())).append(")");
            values.addAll(filter.statuses());
        }
        if (filter.identity() != null) {
            sql.append(" AND LOWER(identity) LIKE ?" + LikePatterns.ESCAPE);
            values.add(LikePatterns.containing(":" + json.write(filter.identity())));
        }
        range(sql, values, "created_at", filter.createdBefore(), filter.createdAfter());
        range(sql, values, "started_processing_at", filter.startedBefore(), filter.startedAfter());
        if (filter.completedBefore() != null || filter.completedAfter() != null) {
            sql.append(" AND status = 'complete'");
            range(sql, values, "finished_at", filter.completedBefore(), filter.completedAfter());
        }
        if (filter.erroredBefore() != null || filter.erroredAfter() != null) {
            sql.append(" AND status = 'error'");
            range(sql, values, "finished_at", filter.erroredBefore(), filter.erroredAfter());
        }
        return new Where(sql.toString(), values);
    }

    private static void range(StringBuilder sql, List<Object> values, String column, Long before, Long after) {
        if (before != null) {
            sql.append(" AND ").append(column).append(" < ?");
            values.add(before);
        }
        if (after != null) {
            sql.append(" AND ").append(column).append(" > ?");
            values.add(after);
        }
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
        String results = rows.getString("results");
        return new PrivacyRequest(rows.getString("id"), rows.getString("external_id"), rows.getString("status"),
                rows.getString("policy_key"), json.read(rows.getString("identity"), STRINGS),
                Optional.ofNullable(rows.getString("language")), Statements.optionalLong(rows, "requested_at"),
                Statements.optionalLong(rows, "reviewed_at"), Optional.ofNullable(rows.getString("reviewed_by")),
                Statements.optionalLong(rows, "identity_verified_at"), Statements.optionalLong(rows, "started_processing_at"),
                Optional.ofNullable(rows.getString("deny_reason")), Statements.optionalLong(rows, "finished_at"),
                json.read(rows.getString("failures"), LIST), rows.getLong("created_at"),
                results == null ? Map.of() : json.read(results, OBJECT));
    }
}
