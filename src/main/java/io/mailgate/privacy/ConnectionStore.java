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

import io.mailgate.platform.Json;
import io.mailgate.platform.db.LikePatterns;
import io.mailgate.platform.db.Statements;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.security.SecretBox;

/** Email connectors and their datasets. The secrets (to/test addresses) are kept encrypted, like every secret. */
public class ConnectionStore {

    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "connection_key, name, access, disabled, description, secrets, created_at, updated_at, "
            + "last_test_timestamp, last_test_succeeded";

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

    /** What GET /connection may filter on; null means no filter. "untested" is {@code testSucceeded} absent and {@code untested}. */
    public record Filter(String search, Boolean disabled, Boolean testSucceeded, boolean untested) {
    }

    public Saved create(String key, String name, String access, boolean disabled, String description) {
        long now = clock.millis();
        if (find(key).isPresent()) {
            return Saved.KEY_TAKEN;
        }
        return save(() -> jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO connection_config (connection_key, name, "
                        + "connection_type, access, disabled, description, created_at, updated_at) VALUES (?, ?, 'email', ?, ?, ?, ?, ?)")
                .bind(0, key).bind(1, name).bind(2, access).bind(3, disabled).bind(4, description).bind(5, now).bind(6, now)
                .execute()), key, true);
    }

    public Saved update(String key, String name, String access, boolean disabled, String description) {
        return save(() -> jdbi.useHandle(handle -> handle.createUpdate("UPDATE connection_config SET name = ?, access = ?, "
                        + "disabled = ?, description = ?, updated_at = ? WHERE connection_key = ?")
                .bind(0, name).bind(1, access).bind(2, disabled).bind(3, description).bind(4, clock.millis()).bind(5, key)
                .execute()), key, false);
    }

    /** Names and keys are unique: a create that finds its key taken (another instance was first) says so. */
    private Saved save(Runnable write, String key, boolean creating) {
        try {
            write.run();
            return Saved.SAVED;
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                return creating && find(key).isPresent() ? Saved.KEY_TAKEN : Saved.NAME_TAKEN;
            }
            throw e;
        }
    }

    public void putSecrets(String key, EmailConnector.ConnectionSecrets secrets) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("url", secrets.url());
        values.put("to_email", secrets.toEmail());
        values.put("test_email", secrets.testEmail());
        io.mailgate.platform.LogMasking.hide(values.values());
        String sealed = secretBox.encrypt(json.write(values), "connection:" + key);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE connection_config SET secrets = ?, updated_at = ? WHERE connection_key = ?")
                .bind(0, sealed).bind(1, clock.millis()).bind(2, key)
                .execute());
    }

    /** Records a test email's outcome, as fidesops' update_test_status does. */
    public void recordTest(String key, boolean succeeded) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE connection_config SET last_test_timestamp = ?, last_test_succeeded = ? "
                        + "WHERE connection_key = ?")
                .bind(0, clock.millis()).bind(1, succeeded).bind(2, key)
                .execute());
    }

    public Optional<EmailConnector> find(String key) {
        return select("SELECT " + COLUMNS + " FROM connection_config WHERE connection_key = ?", List.of(key)).stream().findFirst();
    }

    /** A page of connectors matching the filter, by name as fidesops orders them. */
    public List<EmailConnector> page(Filter filter, int page, int size) {
        Where where = where(filter);
        List<Object> parameters = new ArrayList<>(where.parameters());
        parameters.add(size);
        parameters.add((long) (page - 1) * size);
        return select("SELECT " + COLUMNS + " FROM connection_config WHERE " + where.sql() + " ORDER BY name, connection_key "
                + "LIMIT ? OFFSET ?", parameters);
    }

    public long count(Filter filter) {
        Where where = where(filter);
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery("SELECT COUNT(*) FROM connection_config WHERE "
                + where.sql()), where.parameters()).mapTo(Long.class).one());
    }

    public List<EmailConnector> all() {
        return select("SELECT " + COLUMNS + " FROM connection_config ORDER BY connection_key", List.of());
    }

    private record Where(String sql, List<Object> parameters) {
    }

    private static Where where(Filter filter) {
        StringBuilder sql = new StringBuilder("1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (filter.search() != null && !filter.search().isEmpty()) {
            String like = LikePatterns.containing(filter.search().toLowerCase(java.util.Locale.ROOT));
            sql.append(" AND (LOWER(connection_key) LIKE ?" + LikePatterns.ESCAPE + " OR LOWER(name) LIKE ?" + LikePatterns.ESCAPE
                    + " OR LOWER(description) LIKE ?" + LikePatterns.ESCAPE + ")");
            parameters.add(like);
            parameters.add(like);
            parameters.add(like);
        }
        if (filter.disabled() != null) {
            sql.append(" AND disabled = ?");
            parameters.add(filter.disabled());
        }
        if (filter.untested()) {
            sql.append(" AND last_test_succeeded IS NULL");
        } else if (filter.testSucceeded() != null) {
            sql.append(" AND last_test_succeeded = ?");
            parameters.add(filter.testSucceeded());
        }
        return new Where(sql.toString(), parameters);
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

    /** fides_key → dataset JSON, newest first as fidesops lists them. */
    public Map<String, String> datasets(String connectionKey) {
        Map<String, String> datasets = new LinkedHashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT fides_key, body FROM dataset WHERE connection_key = ? "
                        + "ORDER BY created_at DESC, fides_key")
                .bind(0, connectionKey)
                .map((rows, context) -> Map.entry(rows.getString("fides_key"), rows.getString("body")))
                .forEach(entry -> datasets.put(entry.getKey(), entry.getValue())));
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
        boolean succeeded = rows.getBoolean("last_test_succeeded");
        Optional<Boolean> tested = rows.wasNull() ? Optional.empty() : Optional.of(succeeded);
        return new EmailConnector(key, rows.getString("name"), rows.getString("access"), rows.getBoolean("disabled"),
                rows.getString("description"), secrets, rows.getLong("created_at"), rows.getLong("updated_at"),
                Statements.optionalLong(rows, "last_test_timestamp"), tested);
    }

    private EmailConnector.ConnectionSecrets secrets(String key, String sealed) {
        Map<String, String> values = json.read(secretBox.decrypt(sealed, "connection:" + key), STRINGS);
        io.mailgate.platform.LogMasking.hide(values.values());
        return new EmailConnector.ConnectionSecrets(values.get("url"), values.get("to_email"), values.get("test_email"));
    }
}
