package io.mailgate.deadletter;

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

/** The dead-letter store: one row per unprocessable message, and one per mail that failed on every provider. */
public class DeadLetterStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, source, reason, payload, properties, mail_id, replay_count, last_replay_at, "
            + "last_replay_result, created_at";
    private static final int MAX_REASON = 2000;

    private final DataSource dataSource;
    private final Json json;
    private final Clock clock;
    private final io.mailgate.observe.MailMetrics metrics;

    public DeadLetterStore(DataSource dataSource, Json json, Clock clock, io.mailgate.observe.MailMetrics metrics) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    public String record(String source, String reason, String payload, Map<String, String> properties) {
        long now = clock.millis();
        String id = Ids.newId(now);
        Sql.update(dataSource, "INSERT INTO dead_letter (id, source, reason, payload, properties, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", statement -> {
                    statement.setString(1, id);
                    statement.setString(2, source);
                    statement.setString(3, shorten(reason));
                    statement.setString(4, payload);
                    statement.setString(5, json.write(properties));
                    statement.setLong(6, now);
                });
        metrics.deadLetter(source);
        return id;
    }

    /** A message the broker parked on mailgate.dead after its redeliveries ran out. */
    public String recordFromBroker(String originalAddress, String payload) {
        String queue = originalAddress == null ? "unknown" : originalAddress;
        return record(DeadLetter.FROM_BROKER, "The broker gave up on it after repeated failures on " + queue, payload,
                Map.of("original_queue", queue));
    }

    /** A queue message that could not be parsed or validated. */
    public String recordFromQueue(Exception failure, String payload, String idempotencyKey) {
        return record(DeadLetter.FROM_QUEUE, failure.getMessage(), payload,
                idempotencyKey == null ? Map.of() : Map.of("idempotency_key", idempotencyKey));
    }

    /** One dead letter per failed mail: failing again after a replay updates its reason. */
    public void recordFailedMail(String mailId, String reason) {
        int updated = Sql.update(dataSource, "UPDATE dead_letter SET reason = ?, last_replay_result = ? WHERE mail_id = ?",
                statement -> {
                    statement.setString(1, shorten(reason));
                    statement.setString(2, shorten("failed again: " + reason));
                    statement.setString(3, mailId);
                });
        if (updated == 0) {
            long now = clock.millis();
            Sql.update(dataSource, "INSERT INTO dead_letter (id, source, reason, payload, properties, mail_id, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", statement -> {
                        statement.setString(1, Ids.newId(now));
                        statement.setString(2, DeadLetter.FROM_DELIVERY);
                        statement.setString(3, shorten(reason));
                        statement.setString(4, mailId);
                        statement.setString(5, "{}");
                        statement.setString(6, mailId);
                        statement.setLong(7, now);
                    });
            metrics.deadLetter(DeadLetter.FROM_DELIVERY);
        }
    }

    public void replayed(String id, String result) {
        Sql.update(dataSource, "UPDATE dead_letter SET replay_count = replay_count + 1, last_replay_at = ?, "
                + "last_replay_result = ? WHERE id = ?", statement -> {
                    statement.setLong(1, clock.millis());
                    statement.setString(2, shorten(result));
                    statement.setString(3, id);
                });
    }

    public Optional<DeadLetter> find(String id) {
        return select("SELECT " + COLUMNS + " FROM dead_letter WHERE id = ?", List.of(id)).stream().findFirst();
    }

    /** A page, newest first, filtered by source, a substring of the reason and a time range. */
    public List<DeadLetter> page(Filter filter, int page, int size) {
        List<Object> parameters = new ArrayList<>(filter.parameters());
        parameters.add(size);
        parameters.add((long) (page - 1) * size);
        return select("SELECT " + COLUMNS + " FROM dead_letter WHERE " + filter.where()
                + " ORDER BY created_at DESC, id LIMIT ? OFFSET ?", parameters);
    }

    public long count(Filter filter) {
        return Sql.query(dataSource, "SELECT COUNT(*) FROM dead_letter WHERE " + filter.where(),
                statement -> Sql.bind(statement, filter.parameters()), rows -> {
                    rows.next();
                    return rows.getLong(1);
                });
    }

    /** Filters of GET /api/v1/dead-letters; the SQL holds only placeholders for their values. */
    public record Filter(Optional<String> source, Optional<String> reason, Optional<Long> since, Optional<Long> until) {

        String where() {
            List<String> conditions = new ArrayList<>(List.of("1 = 1"));
            source.ifPresent(s -> conditions.add("source = ?"));
            reason.ifPresent(r -> conditions.add("LOWER(reason) LIKE ? ESCAPE '\\'"));
            since.ifPresent(s -> conditions.add("created_at >= ?"));
            until.ifPresent(u -> conditions.add("created_at < ?"));
            return String.join(" AND ", conditions);
        }

        List<Object> parameters() {
            List<Object> parameters = new ArrayList<>();
            source.ifPresent(parameters::add);
            reason.ifPresent(r -> parameters.add("%" + r.toLowerCase(java.util.Locale.ROOT)
                    .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"));
            since.ifPresent(parameters::add);
            until.ifPresent(parameters::add);
            return parameters;
        }
    }

    private List<DeadLetter> select(String sql, List<Object> parameters) {
        return Sql.list(dataSource, sql, parameters, this::row);
    }

    private DeadLetter row(ResultSet rows) throws SQLException, IOException {
        return new DeadLetter(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getString(5) == null ? Map.of() : json.mapper().readValue(rows.getString(5), STRINGS),
                Optional.ofNullable(rows.getString(6)), rows.getInt(7), Sql.optionalLong(rows, 8),
                Optional.ofNullable(rows.getString(9)), rows.getLong(10));
    }

    private static String shorten(String reason) {
        String text = reason == null || reason.isBlank() ? "unknown" : reason;
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
    }
}
