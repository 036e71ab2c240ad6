package io.mailgate.deadletter;

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
import io.mailgate.mail.DeliveryOutcome;
import io.mailgate.mail.MailMetrics;
import io.mailgate.platform.db.LikePatterns;
import io.mailgate.platform.db.Statements;

/** The dead-letter store: one row per unprocessable message, and one per mail that failed on every provider. */
public class DeadLetterStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, source, reason, payload, properties, mail_id, replay_count, last_replay_at, "
            + "last_replay_result, created_at";
    private static final int MAX_REASON = 2000;

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;
    private final MailMetrics metrics;

    public DeadLetterStore(Jdbi jdbi, Json json, Clock clock, MailMetrics metrics) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    public String record(String source, String reason, String payload, Map<String, String> properties) {
        long now = clock.millis();
        String id = Ids.newId(now);
        jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO dead_letter (id, source, reason, payload, properties, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, id).bind(1, source).bind(2, shorten(reason)).bind(3, payload).bind(4, json.write(properties))
                .bind(5, now)
                .execute());
        metrics.deadLetter(source);
        return id;
    }

    /** A message the broker parked on mailgate.dead after its redeliveries ran out. */
    public String recordFromBroker(String originalAddress, String payload) {
        String queue = originalAddress == null ? "unknown" : originalAddress;
        return record(DeadLetter.FROM_BROKER, "The broker gave up on it after repeated failures on " + queue, payload,
                Map.of("original_queue", queue));
    }

    /** A queue message that could not be parsed or validated, by the route that consumed it. */
    public String recordFromQueue(String source, Exception failure, String payload, String idempotencyKey) {
        // The send queue has two consumer routes (small and large messages); its dead letters are one source.
        String queue = DeadLetter.FROM_LARGE_QUEUE.equals(source) ? DeadLetter.FROM_QUEUE : source;
        return record(queue, failure.getMessage(), payload,
                idempotencyKey == null ? Map.of() : Map.of("idempotency_key", idempotencyKey));
    }

    /** One dead letter per failed mail: failing again after a replay updates its reason. */
    public void recordFailedMail(DeliveryOutcome outcome) {
        String mailId = outcome.outbound().mail().id();
        String reason = outcome.failureReason();
        long now = clock.millis();
        boolean inserted = jdbi.inTransaction(handle -> {
            int updated = handle.createUpdate("UPDATE dead_letter SET reason = ?, last_replay_result = ? WHERE mail_id = ?")
                    .bind(0, shorten(reason)).bind(1, shorten("failed again: " + reason)).bind(2, mailId)
                    .execute();
            if (updated > 0) {
                return false;
            }
            handle.createUpdate("INSERT INTO dead_letter (id, source, reason, payload, properties, mail_id, created_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, Ids.newId(now)).bind(1, DeadLetter.FROM_DELIVERY).bind(2, shorten(reason)).bind(3, mailId)
                    .bind(4, "{}").bind(5, mailId).bind(6, now)
                    .execute();
            return true;
        });
        if (inserted) {
            metrics.deadLetter(DeadLetter.FROM_DELIVERY);
        }
    }

    public void replayed(String id, String result) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE dead_letter SET replay_count = replay_count + 1, "
                        + "last_replay_at = ?, last_replay_result = ? WHERE id = ?")
                .bind(0, clock.millis()).bind(1, shorten(result)).bind(2, id)
                .execute());
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
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery("SELECT COUNT(*) FROM dead_letter WHERE "
                + filter.where()), filter.parameters()).mapTo(Long.class).one());
    }

    /** Filters of GET /api/v1/dead-letters; the SQL holds only placeholders for their values. */
    public record Filter(Optional<String> source, Optional<String> reason, Optional<Long> since, Optional<Long> until) {

        String where() {
            List<String> conditions = new ArrayList<>(List.of("1 = 1"));
            source.ifPresent(s -> conditions.add("source = ?"));
            reason.ifPresent(r -> conditions.add("LOWER(reason) LIKE ?" + LikePatterns.ESCAPE));
            since.ifPresent(s -> conditions.add("created_at >= ?"));
            until.ifPresent(u -> conditions.add("created_at < ?"));
            return String.join(" AND ", conditions);
        }

        List<Object> parameters() {
            List<Object> parameters = new ArrayList<>();
            source.ifPresent(parameters::add);
            reason.ifPresent(r -> parameters.add(LikePatterns.containing(r)));
            since.ifPresent(parameters::add);
            until.ifPresent(parameters::add);
            return parameters;
        }
    }

    private List<DeadLetter> select(String sql, List<Object> parameters) {
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery(sql), parameters).map(this::row).list());
    }

    private DeadLetter row(ResultSet rows, StatementContext context) throws SQLException {
        String properties = rows.getString("properties");
        return new DeadLetter(rows.getString("id"), rows.getString("source"), rows.getString("reason"), rows.getString("payload"),
                properties == null ? Map.of() : json.read(properties, STRINGS), Optional.ofNullable(rows.getString("mail_id")),
                rows.getInt("replay_count"), Statements.optionalLong(rows, "last_replay_at"),
                Optional.ofNullable(rows.getString("last_replay_result")), rows.getLong("created_at"));
    }

    private static String shorten(String reason) {
        String text = reason == null || reason.isBlank() ? "unknown" : reason;
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text;
    }
}
