package io.mailgate.template;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.RqlSelect;
import io.mailgate.platform.db.Statements;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.rql.SqlQuery;

/** Localizations: a key and its text per language. */
public class LocalizationStore {

    private static final TypeReference<LinkedHashMap<String, String>> TEXTS = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final Json json;
    private final Clock clock;

    public LocalizationStore(Jdbi jdbi, Json json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    public record Localization(String id, String key, Map<String, String> text, long creationTimestamp, long updateTimestamp) {
    }

    /** Creates the ones whose key is new; returns the keys that already existed. */
    public List<String> createAll(List<Map.Entry<String, Map<String, String>>> localizations) {
        List<String> existing = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> localization : localizations) {
            long now = clock.millis();
            try {
                jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO localization (id, localization_key, text, "
                                + "creation_timestamp, update_timestamp) VALUES (?, ?, ?, ?, ?)")
                        .bind(0, Ids.newId(now)).bind(1, localization.getKey()).bind(2, json.write(localization.getValue()))
                        .bind(3, now).bind(4, now)
                        .execute());
            } catch (RuntimeException e) {
                if (!UniqueViolation.is(e)) {
                    throw e;
                }
                existing.add(localization.getKey());
            }
        }
        return existing;
    }

    /** Merges the given languages into existing keys; returns the keys that do not exist. */
    public List<String> updateAll(List<Map.Entry<String, Map<String, String>>> localizations) {
        return jdbi.inTransaction(handle -> {
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> localization : localizations) {
                Optional<Map<String, String>> text = readText(handle, localization.getKey());
                if (text.isEmpty()) {
                    missing.add(localization.getKey());
                    continue;
                }
                Map<String, String> merged = new LinkedHashMap<>(text.get());
                merged.putAll(localization.getValue());
                handle.createUpdate("UPDATE localization SET text = ?, update_timestamp = ? WHERE localization_key = ?")
                        .bind(0, json.write(merged)).bind(1, clock.millis()).bind(2, localization.getKey())
                        .execute();
            }
            return missing;
        });
    }

    public int delete(SqlQuery query) {
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createUpdate("DELETE FROM localization m WHERE " + query.where()),
                query.whereParameters()).execute());
    }

    public List<Localization> list(SqlQuery query) {
        return jdbi.withHandle(handle -> RqlSelect.page(handle,
                "m.id, m.localization_key, m.text, m.creation_timestamp, m.update_timestamp", "localization m", query,
                (rows, context) -> new Localization(rows.getString("id"), rows.getString("localization_key"),
                        json.read(rows.getString("text"), TEXTS), rows.getLong("creation_timestamp"),
                        rows.getLong("update_timestamp"))));
    }

    public long count(SqlQuery query) {
        return jdbi.withHandle(handle -> RqlSelect.count(handle, "localization m", query));
    }

    /** A key's texts by language; empty when the key is unknown. */
    public Optional<Map<String, String>> text(String key) {
        return jdbi.withHandle(handle -> readText(handle, key));
    }

    /** The texts of the keys that exist: key → (language → text). */
    public Map<String, Map<String, String>> texts(java.util.Collection<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<String, Map<String, String>> texts = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT localization_key, text FROM localization WHERE localization_key IN (<keys>)")
                .bindList("keys", List.copyOf(keys))
                .map((rows, context) -> Map.entry(rows.getString("localization_key"),
                        (Map<String, String>) json.read(rows.getString("text"), TEXTS)))
                .forEach(entry -> texts.put(entry.getKey(), entry.getValue())));
        return texts;
    }

    private Optional<Map<String, String>> readText(Handle handle, String key) {
        return handle.createQuery("SELECT text FROM localization WHERE localization_key = ?").bind(0, key)
                .map((rows, context) -> (Map<String, String>) json.read(rows.getString("text"), TEXTS))
                .findOne();
    }
}
