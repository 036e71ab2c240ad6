package io.mailgate.privacy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Json;
import io.mailgate.platform.db.Statements;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.security.SecretBox;

/** Email connectors and their datasets. The to/test addresses are kept encrypted, like every secret. */
public class ConnectionStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "connection_key, name, access, disabled, description, secrets, created_at, updated_at";

    private final Jdbi jdbi;
    private final Json json;
    private final SecretBox secretBox;
    private final Clock clock;

    public ConnectionStore(Jdbi jdbi, Json json, SecretBox secretBox, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    /** Creates or updates by key; false when the name belongs to another connector. */
    public boolean upsert(String key, String name, String access, boolean disabled, String description) {
        long now = clock.millis();
        try {
            jdbi.useTransaction(handle -> Statements.updateOrInsert(handle,
                    "UPDATE connection_config SET name = ?, access = ?, disabled = ?, description = ?, updated_at = ? "
                            + "WHERE connection_key = ?", Arrays.asList(name, access, disabled, description, now, key),
                    "INSERT INTO connection_config (connection_key, name, connection_type, access, disabled, description, "
                            + "created_at, updated_at) VALUES (?, ?, 'email', ?, ?, ?, ?, ?)",
                    Arrays.asList(key, name, access, disabled, description, now, now)));
            return true;
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
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
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE connection_config SET secrets = ?, updated_at = ? WHERE connection_key = ?")
                .bind(0, sealed).bind(1, clock.millis()).bind(2, key)
                .execute());
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
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM connection_config").mapTo(Long.class).one());
    }

    /** Deletes the connector and, by cascade, its datasets. */
    public boolean delete(String key) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM connection_config WHERE connection_key = ?")
                .bind(0, key).execute()) > 0;
    }

    public void saveDataset(String connectionKey, String fidesKey, String body) {
        long now = clock.millis();
        jdbi.useTransaction(handle -> Statements.updateOrInsert(handle,
                "UPDATE dataset SET body = ?, updated_at = ? WHERE connection_key = ? AND fides_key = ?",
                List.of(body, now, connectionKey, fidesKey),
                "INSERT INTO dataset (connection_key, fides_key, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                List.of(connectionKey, fidesKey, body, now, now)));
    }

    /** fides_key → dataset JSON, in key order. */
    public Map<String, String> datasets(String connectionKey) {
        Map<String, String> datasets = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT fides_key, body FROM dataset WHERE connection_key = ? ORDER BY fides_key")
                .bind(0, connectionKey)
                .map((rows, context) -> datasets.put(rows.getString("fides_key"), rows.getString("body")))
                .list());
        return datasets;
    }

    public boolean deleteDataset(String connectionKey, String fidesKey) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM dataset WHERE connection_key = ? AND fides_key = ?")
                .bind(0, connectionKey).bind(1, fidesKey).execute()) > 0;
    }

    private List<EmailConnector> select(String sql, List<Object> parameters) {
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery(sql), parameters).map(this::row).list());
    }

    private EmailConnector row(ResultSet rows, StatementContext context) throws SQLException {
        String key = rows.getString("connection_key");
        Optional<EmailConnector.ConnectionSecrets> secrets = Optional.ofNullable(rows.getString("secrets"))
                .map(sealed -> secrets(key, sealed));
        return new EmailConnector(key, rows.getString("name"), rows.getString("access"), rows.getBoolean("disabled"),
                rows.getString("description"), secrets, rows.getLong("created_at"), rows.getLong("updated_at"));
    }

    private EmailConnector.ConnectionSecrets secrets(String key, String sealed) {
        Map<String, String> values = json.read(secretBox.decrypt(sealed, "connection:" + key), STRINGS);
        return new EmailConnector.ConnectionSecrets(values.get("to_email"), values.get("test_email"));
    }
}
