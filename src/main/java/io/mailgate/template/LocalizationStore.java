package io.mailgate.template;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.query.SqlQuery;
import io.mailgate.store.Ids;
import io.mailgate.store.Json;
import io.mailgate.store.Sql;
import io.mailgate.store.UniqueViolation;

/** Localizations: a key and its text per language. */
public class LocalizationStore {

    private static final TypeReference<LinkedHashMap<String, String>> TEXTS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final Json json;
    private final Clock clock;

    public LocalizationStore(DataSource dataSource, Json json, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
    }

    public record Localization(String id, String key, Map<String, String> text, long creationTimestamp, long updateTimestamp) {
    }

    /** Creates the ones whose key is new; returns the keys that already existed. */
    public List<String> createAll(List<Map.Entry<String, Map<String, String>>> localizations) {
        List<String> existing = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            for (Map.Entry<String, Map<String, String>> localization : localizations) {
                long now = clock.millis();
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO localization (id, localization_key, text, "
                        + "creation_timestamp, update_timestamp) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setString(1, Ids.newId(now));
                    insert.setString(2, localization.getKey());
                    insert.setString(3, json.write(localization.getValue()));
                    insert.setLong(4, now);
                    insert.setLong(5, now);
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!UniqueViolation.is(e)) {
                        throw e;
                    }
                    existing.add(localization.getKey());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create localizations", e);
        }
        return existing;
    }

    /** Merges the given languages into existing keys; returns the keys that do not exist. */
    public List<String> updateAll(List<Map.Entry<String, Map<String, String>>> localizations) {
        List<String> missing = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Map.Entry<String, Map<String, String>> localization : localizations) {
                    Map<String, String> text = readText(connection, localization.getKey());
                    if (text == null) {
                        missing.add(localization.getKey());
                        continue;
                    }
                    text.putAll(localization.getValue());
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE localization SET text = ?, update_timestamp = ? WHERE localization_key = ?")) {
                        update.setString(1, json.write(text));
                        update.setLong(2, clock.millis());
                        update.setString(3, localization.getKey());
                        update.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot update localizations", e);
        }
        return missing;
    }

    public int delete(SqlQuery query) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM localization m WHERE " + query.where())) {
            Sql.bind(delete, query.whereParameters());
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot delete localizations", e);
        }
    }

    public List<Localization> list(SqlQuery query) {
        List<Object> parameters = new ArrayList<>(query.whereParameters());
        parameters.addAll(query.orderParameters());
        parameters.add(query.limit());
        parameters.add(query.offset());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT m.id, m.localization_key, m.text, m.creation_timestamp, "
                     + "m.update_timestamp FROM localization m WHERE " + query.where() + " ORDER BY " + query.orderBy()
                     + " LIMIT ? OFFSET ?")) {
            Sql.bind(select, parameters);
            List<Localization> localizations = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    localizations.add(new Localization(rows.getString(1), rows.getString(2),
                            json.mapper().readValue(rows.getString(3), TEXTS), rows.getLong(4), rows.getLong(5)));
                }
            }
            return localizations;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Cannot list localizations", e);
        }
    }

    public long count(SqlQuery query) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM localization m WHERE " + query.where())) {
            Sql.bind(count, query.whereParameters());
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot count localizations", e);
        }
    }

    private Map<String, String> readText(Connection connection, String key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT text FROM localization WHERE localization_key = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? json.mapper().readValue(rows.getString(1), TEXTS) : null;
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Stored localization " + key + " is not JSON", e);
            }
        }
    }

}
