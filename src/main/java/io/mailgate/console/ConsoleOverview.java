package io.mailgate.console;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import io.mailgate.platform.Json;

/**
 * What the console's overview shows: mails accepted, sent, failed and suppressed over the last hour
 * and day (and per hour, for the chart), how long delivery took, what waits (the queue, dead letters
 * not replayed) and each provider's state. Read straight from the tables every instance shares.
 */
public class ConsoleOverview {

    private static final long HOUR = 3_600_000L;
    private static final List<String> STATUSES = List.of("queued", "sending", "sent", "failed", "suppressed");

    private final Jdbi jdbi;
    private final Json json;
    private final Supplier<List<Map<String, Object>>> providers;
    private final Clock clock;

    public ConsoleOverview(Jdbi jdbi, Json json, Supplier<List<Map<String, Object>>> providers, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.providers = providers;
        this.clock = clock;
    }

    public String overview() {
        long now = clock.millis();
        Map<String, Object> answer = new LinkedHashMap<>();
        jdbi.useHandle(handle -> {
            answer.put("last_hour", counts(handle, now - HOUR));
            answer.put("last_day", counts(handle, now - 24 * HOUR));
            answer.put("hours", hours(handle, now));
            answer.put("latency_ms", latency(handle, now - HOUR));
            answer.put("queue", handle.createQuery("SELECT COUNT(*) FROM mail WHERE status IN ('queued', 'sending')")
                    .mapTo(Long.class).one());
            answer.put("dead_letters_waiting", handle.createQuery("SELECT COUNT(*) FROM dead_letter WHERE replay_count = 0")
                    .mapTo(Long.class).one());
        });
        List<Map<String, Object>> states = providers.get();
        Map<String, Long> sent = jdbi.withHandle(handle -> {
            Map<String, Long> byProvider = new LinkedHashMap<>();
            handle.createQuery("SELECT provider, COUNT(*) AS n FROM mail WHERE status = 'sent' AND update_timestamp >= ? "
                            + "AND provider IS NOT NULL GROUP BY provider").bind(0, now - HOUR)
                    .map((rows, context) -> Map.entry(rows.getString("provider"), rows.getLong("n")))
                    .forEach(entry -> byProvider.put(entry.getKey(), entry.getValue()));
            return byProvider;
        });
        // Failover is in use when mails went out through a provider other than the first one that may deliver.
        String first = states.stream().filter(state -> Boolean.TRUE.equals(state.get("usable")) && !Boolean.FALSE.equals(state.get("enabled")))
                .map(state -> String.valueOf(state.get("key"))).findFirst().orElse(null);
        for (Map<String, Object> state : states) {
            long count = sent.getOrDefault(String.valueOf(state.get("key")), 0L);
            state.put("sent_last_hour", count);
            state.put("failover", count > 0 && first != null && !first.equals(state.get("key")));
        }
        answer.put("providers", states);
        answer.put("at", now);
        return json.write(answer);
    }

    /** Mails accepted since a moment, and how many of them are in each status now. */
    private static Map<String, Long> counts(Handle handle, long since) {
        Map<String, Long> counts = new LinkedHashMap<>();
        STATUSES.forEach(status -> counts.put(status, 0L));
        long[] accepted = {0};
        handle.createQuery("SELECT status, COUNT(*) AS n FROM mail WHERE creation_timestamp >= ? GROUP BY status").bind(0, since)
                .map((rows, context) -> Map.entry(rows.getString("status"), rows.getLong("n")))
                .forEach(entry -> {
                    counts.put(entry.getKey(), entry.getValue());
                    accepted[0] += entry.getValue();
                });
        Map<String, Long> answer = new LinkedHashMap<>();
        answer.put("accepted", accepted[0]);
        answer.putAll(counts);
        return answer;
    }

    /** The last 24 hours, oldest first: per hour the mails accepted and what became of them. */
    private static List<Map<String, Object>> hours(Handle handle, long now) {
        long start = (now / HOUR - 23) * HOUR;
        List<Map<String, Object>> hours = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Map<String, Object> hour = new LinkedHashMap<>();
            hour.put("start", start + i * HOUR);
            hour.put("accepted", 0L);
            STATUSES.forEach(status -> hour.put(status, 0L));
            hours.add(hour);
        }
        handle.createQuery("SELECT bucket, status, COUNT(*) AS n FROM (SELECT (creation_timestamp - ?) / ? AS bucket, status FROM mail "
                        + "WHERE creation_timestamp >= ?) hourly GROUP BY bucket, status")
                .bind(0, start).bind(1, HOUR).bind(2, start)
                .map((rows, context) -> new Object[] {rows.getLong("bucket"), rows.getString("status"), rows.getLong("n")})
                .forEach(row -> {
                    int bucket = (int) (long) (Long) row[0];
                    if (bucket >= 0 && bucket < 24) {
                        Map<String, Object> hour = hours.get(bucket);
                        hour.put((String) row[1], (Long) row[2]);
                        hour.put("accepted", (Long) hour.get("accepted") + (Long) row[2]);
                    }
                });
        return hours;
    }

    /** From acceptance to delivery, of the mails sent in the last hour: median, 95th percentile, most. */
    private static Map<String, Long> latency(Handle handle, long since) {
        List<Long> took = handle.createQuery("SELECT update_timestamp - creation_timestamp FROM mail WHERE status = 'sent' "
                        + "AND update_timestamp >= ? ORDER BY update_timestamp DESC LIMIT 10000")
                .bind(0, since).mapTo(Long.class).list();
        Map<String, Long> latency = new LinkedHashMap<>();
        if (took.isEmpty()) {
            return latency;
        }
        List<Long> sorted = took.stream().sorted().toList();
        latency.put("p50", sorted.get(sorted.size() / 2));
        latency.put("p95", sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1)));
        latency.put("max", sorted.get(sorted.size() - 1));
        latency.put("mails", (long) sorted.size());
        return latency;
    }
}
