package io.mailgate.privacy;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.security.SecretBox;
import io.mailgate.store.Json;
import io.mailgate.store.Sql;
import io.mailgate.store.UniqueViolation;

/** Email connectors and their datasets. The to/test addresses are kept encrypted, like every secret. */
public class ConnectionStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "connection_key, name, access, disabled, description, secrets, created_at, updated_at";

    private final DataSource dataSource;
    private final Json json;
    private final SecretBox secretBox;
    private final Clock clock;

    public ConnectionStore(DataSource dataSource, Json json, SecretBox secretBox, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    /** Creates or updates by key; false when the name belongs to another connector. */
    public boolean upsert(String key, String name, String access, boolean disabled, String description) {
        long now = clock.millis();
        try {
            int updated = Sql.update(dataSource, "UPDATE connection_config SET name = ?, access = ?, disabled = ?, "
                    + "description = ?, updated_at = ? WHERE connection_key = ?", s -> {
                        s.setString(1, name);
                        s.setString(2, access);
                        s.setBoolean(3, disabled);
                        s.setString(4, description);
                        s.setLong(5, now);
                        s.setString(6, key);
                    });
            if (updated == 0) {
                Sql.update(dataSource, "INSERT INTO connection_config (connection_key, name, connection_type, access, disabled, "
                        + "description, created_at, updated_at) VALUES (?, ?, 'email', ?, ?, ?, ?, ?)", s -> {
                            s.setString(1, key);
                            s.setString(2, name);
                            s.setString(3, access);
                            s.setBoolean(4, disabled);
                            s.setString(5, description);
                            s.setLong(6, now);
                            s.setLong(7, now);
                        });
            }
            return true;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException sql && UniqueViolation.is(sql)) {
                return false;
            }
            throw e;
        }
    }

    public void putSecrets(String key, EmailConnector.ConnectionSecrets secrets) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("to_email", secrets.toEmail());
        if (secrets.testEmail() != null) {
            values.put("test_email", secrets.testEmail());
        }
        String sealed = secretBox.encrypt(json.write(values), "connection:" + key);
        Sql.update(dataSource, "UPDATE connection_config SET secrets = ?, updated_at = ? WHERE connection_key = ?", s -> {
            s.setString(1, sealed);
            s.setLong(2, clock.millis());
            s.setString(3, key);
        });
    }

    public Optional<EmailConnector> find(String key) {
        return select("SELECT " + COLUMNS + " FROM connection_config WHERE connection_key = ?", List.of(key)).stream().findFirst();
    }

    public List<EmailConnector> page(int page, int size) {
        return select("SELECT " + COLUMNS + " FROM connection_config ORDER BY created_at, connection_key LIMIT ? OFFSET ?",
                List.of(size, (long) (page - 1) * size));
    }

    public List<EmailConnector> all() {
        return select("SELECT " + COLUMNS + " FROM connection_config ORDER BY connection_key", List.of());
    }

    public long count() {
        return Sql.query(dataSource, "SELECT COUNT(*) FROM connection_config", s -> { }, rows -> {
            rows.next();
            return rows.getLong(1);
        });
    }

    /** Deletes the connector and, by cascade, its datasets. */
    public boolean delete(String key) {
        return Sql.update(dataSource, "DELETE FROM connection_config WHERE connection_key = ?", s -> s.setString(1, key)) > 0;
    }

    public void saveDataset(String connectionKey, String fidesKey, String body) {
        long now = clock.millis();
        int updated = Sql.update(dataSource, "UPDATE dataset SET body = ?, updated_at = ? WHERE connection_key = ? AND fides_key = ?",
                s -> {
                    s.setString(1, body);
                    s.setLong(2, now);
                    s.setString(3, connectionKey);
                    s.setString(4, fidesKey);
                });
        if (updated == 0) {
            Sql.update(dataSource, "INSERT INTO dataset (connection_key, fides_key, body, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?)", s -> {
                        s.setString(1, connectionKey);
                        s.setString(2, fidesKey);
                        s.setString(3, body);
                        s.setLong(4, now);
                        s.setLong(5, now);
                    });
        }
    }

    /** fides_key → dataset JSON, in key order. */
    public Map<String, String> datasets(String connectionKey) {
        return Sql.query(dataSource, "SELECT fides_key, body FROM dataset WHERE connection_key = ? ORDER BY fides_key",
                s -> s.setString(1, connectionKey), rows -> {
                    Map<String, String> datasets = new LinkedHashMap<>();
                    while (rows.next()) {
                        datasets.put(rows.getString(1), rows.getString(2));
                    }
                    return datasets;
                });
    }

    public boolean deleteDataset(String connectionKey, String fidesKey) {
        return Sql.update(dataSource, "DELETE FROM dataset WHERE connection_key = ? AND fides_key = ?", s -> {
            s.setString(1, connectionKey);
            s.setString(2, fidesKey);
        }) > 0;
    }

    private List<EmailConnector> select(String sql, List<Object> parameters) {
        return Sql.list(dataSource, sql, parameters, this::row);
    }

    private EmailConnector row(ResultSet rows) throws SQLException, IOException {
        String key = rows.getString(1);
        Optional<EmailConnector.ConnectionSecrets> secrets = Optional.ofNullable(rows.getString(6))
                .map(sealed -> secrets(key, sealed));
        return new EmailConnector(key, rows.getString(2), rows.getString(3),
                rows.getBoolean(4), rows.getString(5), secrets, rows.getLong(7), rows.getLong(8));
    }

    private EmailConnector.ConnectionSecrets secrets(String key, String sealed) {
        try {
            Map<String, String> values = json.mapper().readValue(secretBox.decrypt(sealed, "connection:" + key), STRINGS);
            return new EmailConnector.ConnectionSecrets(values.get("to_email"), values.get("test_email"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored secrets of connector " + key + " are not JSON", e);
        }
    }
}
