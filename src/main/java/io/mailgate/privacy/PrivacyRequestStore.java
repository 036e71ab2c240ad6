package io.mailgate.privacy;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.store.Ids;
import io.mailgate.store.Json;
import io.mailgate.store.Sql;

/** Privacy requests, the mails sent for them, and their verification codes (hashes only). */
public class PrivacyRequestStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, external_id, status, policy_key, identity, language, requested_at, reviewed_at, "
            + "deny_reason, finished_at, failures, created_at";

    private final DataSource dataSource;
    private final Json json;
    private final Clock clock;

    public PrivacyRequestStore(DataSource dataSource, Json json, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
    }

    public String create(String externalId, String status, String policyKey, Map<String, String> identity, String language,
                         Long requestedAt) {
        long now = clock.millis();
        String id = Ids.newId(now);
        Sql.update(dataSource, "INSERT INTO privacy_request (id, external_id, status, policy_key, identity, language, "
                + "requested_at, failures, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?)", s -> {
                    s.setString(1, id);
                    s.setString(2, externalId);
                    s.setString(3, status);
                    s.setString(4, policyKey);
                    s.setString(5, json.write(identity));
                    s.setString(6, language);
                    s.setObject(7, requestedAt);
                    s.setLong(8, now);
                    s.setLong(9, now);
                });
        return id;
    }

    /** Moves a request from one status to another; false when it was not in the expected status. */
    public boolean transition(String id, String from, String to, String denyReason) {
        long now = clock.millis();
        return Sql.update(dataSource, "UPDATE privacy_request SET status = ?, deny_reason = COALESCE(?, deny_reason), "
                + "reviewed_at = CASE WHEN ? IN ('approved', 'denied') THEN ? ELSE reviewed_at END, "
                + "finished_at = CASE WHEN ? = 'complete' THEN ? ELSE finished_at END, updated_at = ? WHERE id = ? AND status = ?",
                s -> {
                    s.setString(1, to);
                    s.setString(2, denyReason);
                    s.setString(3, to);
                    s.setLong(4, now);
                    s.setString(5, to);
                    s.setLong(6, now);
                    s.setLong(7, now);
                    s.setString(8, id);
                    s.setString(9, from);
                }) == 1;
    }

    public synchronized void addFailure(String id, String failure) {
        PrivacyRequest request = find(id).orElseThrow();
        List<String> failures = new ArrayList<>(request.failures());
        failures.add(failure);
        Sql.update(dataSource, "UPDATE privacy_request SET failures = ?, updated_at = ? WHERE id = ?", s -> {
            s.setString(1, json.write(failures));
            s.setLong(2, clock.millis());
            s.setString(3, id);
        });
    }

    public void recordMail(String requestId, String mailId, String kind) {
        Sql.update(dataSource, "INSERT INTO privacy_request_mail (request_id, mail_id, kind, created_at) "
                + "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM privacy_request_mail WHERE request_id = ? AND mail_id = ?)",
                s -> {
                    s.setString(1, requestId);
                    s.setString(2, mailId);
                    s.setString(3, kind);
                    s.setLong(4, clock.millis());
                    s.setString(5, requestId);
                    s.setString(6, mailId);
                });
    }

    /** request id → its mails: (mail id, kind, status). */
    public Map<String, List<Map<String, Object>>> mails(List<String> requestIds) {
        Map<String, List<Map<String, Object>>> byRequest = new LinkedHashMap<>();
        for (String id : requestIds) {
            byRequest.put(id, Sql.query(dataSource, "SELECT p.mail_id, p.kind, m.status FROM privacy_request_mail p "
                    + "LEFT JOIN mail m ON m.id = p.mail_id WHERE p.request_id = ? ORDER BY p.created_at, p.mail_id",
                    s -> s.setString(1, id), rows -> {
                        List<Map<String, Object>> mails = new ArrayList<>();
                        while (rows.next()) {
                            Map<String, Object> mail = new LinkedHashMap<>();
                            mail.put("mail_id", rows.getString(1));
                            mail.put("kind", rows.getString(2));
                            mail.put("status", rows.getString(3));
                            mails.add(mail);
                        }
                        return mails;
                    }));
        }
        return byRequest;
    }

    public Optional<PrivacyRequest> find(String id) {
        return select("SELECT " + COLUMNS + " FROM privacy_request WHERE id = ?", List.of(id)).stream().findFirst();
    }

    public List<PrivacyRequest> page(Optional<String> id, Optional<String> status, int page, int size) {
        List<Object> parameters = new ArrayList<>();
        id.ifPresent(parameters::add);
        status.ifPresent(parameters::add);
        parameters.add(size);
        parameters.add((long) (page - 1) * size);
        return select("SELECT " + COLUMNS + " FROM privacy_request WHERE " + where(id, status)
                + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?", parameters);
    }

    public long count(Optional<String> id, Optional<String> status) {
        List<Object> parameters = new ArrayList<>();
        id.ifPresent(parameters::add);
        status.ifPresent(parameters::add);
        return Sql.query(dataSource, "SELECT COUNT(*) FROM privacy_request WHERE " + where(id, status),
                s -> Sql.bind(s, parameters), rows -> {
                    rows.next();
                    return rows.getLong(1);
                });
    }

    private static String where(Optional<String> id, Optional<String> status) {
        return (id.isPresent() ? "id = ?" : "1 = 1") + (status.isPresent() ? " AND status = ?" : "");
    }

    // ---- verification codes ----------------------------------------------------------------------

    public void saveCode(String requestId, String codeHash, long expiresAt) {
        Sql.update(dataSource, "DELETE FROM verification_code WHERE request_id = ?", s -> s.setString(1, requestId));
        Sql.update(dataSource, "INSERT INTO verification_code (request_id, code_hash, expires_at, attempts) VALUES (?, ?, ?, 0)",
                s -> {
                    s.setString(1, requestId);
                    s.setString(2, codeHash);
                    s.setLong(3, expiresAt);
                });
    }

    /** The code's hash, deadline and attempts so far, or empty. */
    public Optional<long[]> codeState(String requestId, String[] hash) {
        return Sql.query(dataSource, "SELECT code_hash, expires_at, attempts FROM verification_code WHERE request_id = ?",
                s -> s.setString(1, requestId), rows -> {
                    if (!rows.next()) {
                        return Optional.<long[]>empty();
                    }
                    hash[0] = rows.getString(1);
                    return Optional.of(new long[] {rows.getLong(2), rows.getLong(3)});
                });
    }

    /** Counts a wrong attempt atomically; returns the attempts made. */
    public int failAttempt(String requestId) {
        Sql.update(dataSource, "UPDATE verification_code SET attempts = attempts + 1 WHERE request_id = ?",
                s -> s.setString(1, requestId));
        return Sql.query(dataSource, "SELECT attempts FROM verification_code WHERE request_id = ?",
                s -> s.setString(1, requestId), rows -> rows.next() ? rows.getInt(1) : Integer.MAX_VALUE);
    }

    public void deleteCode(String requestId) {
        Sql.update(dataSource, "DELETE FROM verification_code WHERE request_id = ?", s -> s.setString(1, requestId));
    }

    private List<PrivacyRequest> select(String sql, List<Object> parameters) {
        return Sql.list(dataSource, sql, parameters, this::row);
    }

    private PrivacyRequest row(ResultSet rows) throws SQLException, IOException {
        return new PrivacyRequest(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                json.mapper().readValue(rows.getString(5), STRINGS), Optional.ofNullable(rows.getString(6)),
                Sql.optionalLong(rows, 7), Sql.optionalLong(rows, 8), Optional.ofNullable(rows.getString(9)),
                Sql.optionalLong(rows, 10), json.mapper().readValue(rows.getString(11), LIST), rows.getLong(12));
    }

}
