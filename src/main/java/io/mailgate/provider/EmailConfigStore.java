package io.mailgate.provider;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.api.ApiException;
import io.mailgate.api.ErrorCode;
import io.mailgate.security.SecretBox;
import io.mailgate.store.Ids;
import io.mailgate.store.Json;
import io.mailgate.store.Sql;
import io.mailgate.store.UniqueViolation;

/** Email configs. Every change bumps the version, so delivery picks up the new settings with the next mail. */
public class EmailConfigStore {

    /** How long another instance's config change may take to reach deliveries on this one. */
    static final long REMEMBER_ENABLED_MILLIS = 1000;
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, config_key, name, service_type, details, priority, enabled, rate_limit, "
            + "secrets, version, created_at, updated_at";

    private static final String UPDATE_KEEPING_SECRETS = "UPDATE email_config SET name = ?, service_type = ?, "
            + "details = ?, priority = ?, enabled = ?, rate_limit = ?, version = version + 1, updated_at = ? WHERE id = ?";
    private static final String UPDATE_DROPPING_SECRETS = "UPDATE email_config SET name = ?, service_type = ?, "
            + "details = ?, priority = ?, enabled = ?, rate_limit = ?, secrets = NULL, version = version + 1, updated_at = ? "
            + "WHERE id = ?";

    private final DataSource dataSource;
    private final Json json;
    private final SecretBox secretBox;
    private final Clock clock;
    /** Counts the writes through this store: a remembered read from before the last write is not used. */
    private final AtomicLong writes = new AtomicLong();
    /** enabledInOrder(), read at most once per {@link #REMEMBER_ENABLED_MILLIS}. */
    private volatile Remembered enabled;

    public EmailConfigStore(DataSource dataSource, Json json, SecretBox secretBox, Clock clock) {
        this.dataSource = dataSource;
        this.json = json;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    public EmailConfig create(EmailConfigDraft draft) {
        long now = clock.millis();
        String id = Ids.newId(now);
        write("INSERT INTO email_config (id, config_key, name, service_type, details, priority, enabled, rate_limit, "
                + "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", draft, statement -> {
            statement.setString(1, id);
            statement.setString(2, draft.key());
            statement.setString(3, draft.name());
            statement.setString(4, draft.type().wire());
            statement.setString(5, json.write(draft.details()));
            statement.setInt(6, draft.priority());
            statement.setBoolean(7, draft.enabled());
            setRateLimit(statement, 8, draft.rateLimit());
            statement.setLong(9, now);
            statement.setLong(10, now);
        });
        return find(draft.key()).orElseThrow();
    }

    /** PATCH with a full body. A change of service type drops the secrets: they belong to the old type. */
    public EmailConfig update(EmailConfig current, EmailConfigDraft draft) {
        write(current.type() == draft.type() ? UPDATE_KEEPING_SECRETS : UPDATE_DROPPING_SECRETS, draft, statement -> {
                    statement.setString(1, draft.name());
                    statement.setString(2, draft.type().wire());
                    statement.setString(3, json.write(draft.details()));
                    statement.setInt(4, draft.priority());
                    statement.setBoolean(5, draft.enabled());
                    setRateLimit(statement, 6, draft.rateLimit());
                    statement.setLong(7, clock.millis());
                    statement.setString(8, current.id());
                });
        return find(current.key()).orElseThrow();
    }

    public void putSecrets(EmailConfig config, Map<String, String> secrets) {
        String sealed = secretBox.encrypt(json.write(secrets), config.id());
        Sql.update(dataSource, "UPDATE email_config SET secrets = ?, version = version + 1, updated_at = ? WHERE id = ?",
                statement -> {
                    statement.setString(1, sealed);
                    statement.setLong(2, clock.millis());
                    statement.setString(3, config.id());
                });
        writes.incrementAndGet();
    }

    /** The decrypted secrets, for building the provider's route only: never returned, never logged. */
    public Map<String, String> secrets(EmailConfig config) {
        return config.encryptedSecrets().map(sealed -> {
            try {
                return (Map<String, String>) json.mapper().readValue(secretBox.decrypt(sealed, config.id()), STRINGS);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Stored secrets of " + config.key() + " are not JSON", e);
            }
        }).orElse(Map.of());
    }

    public boolean delete(String key) {
        boolean deleted = Sql.update(dataSource, "DELETE FROM email_config WHERE config_key = ?", s -> s.setString(1, key)) > 0;
        writes.incrementAndGet();
        return deleted;
    }

    public Optional<EmailConfig> find(String key) {
        List<EmailConfig> found = select("SELECT " + COLUMNS + " FROM email_config WHERE config_key = ?", List.of(key));
        return found.stream().findFirst();
    }

    public Optional<EmailConfig> findById(String id) {
        List<EmailConfig> found = select("SELECT " + COLUMNS + " FROM email_config WHERE id = ?", List.of(id));
        return found.stream().findFirst();
    }

    public List<EmailConfig> page(int page, int size) {
        return select("SELECT " + COLUMNS + " FROM email_config ORDER BY priority, created_at, id LIMIT ? OFFSET ?",
                List.of(size, (long) (page - 1) * size));
    }

    public long count() {
        return Sql.query(dataSource, "SELECT COUNT(*) FROM email_config", s -> { }, rows -> {
            rows.next();
            return rows.getLong(1);
        });
    }

    /**
     * Enabled configs, lowest priority first: the candidates for delivering a mail. A change made
     * through this instance applies to the next mail; one made through another, within a second.
     */
    public List<EmailConfig> enabledInOrder() {
        long now = clock.millis();
        long written = writes.get();
        Remembered known = enabled;
        if (known != null && known.writes() == written && now < known.until()) {
            return known.configs();
        }
        List<EmailConfig> configs = select("SELECT " + COLUMNS + " FROM email_config WHERE enabled = ? "
                + "ORDER BY priority, created_at, id", List.of(true));
        enabled = new Remembered(configs, written, now + REMEMBER_ENABLED_MILLIS);
        return configs;
    }

    private record Remembered(List<EmailConfig> configs, long writes, long until) {
    }

    private List<EmailConfig> select(String sql, List<Object> parameters) {
        return Sql.list(dataSource, sql, parameters, this::row);
    }

    private EmailConfig row(ResultSet rows) throws SQLException, IOException {
        int rateLimit = rows.getInt(8);
        Optional<Integer> limit = rows.wasNull() ? Optional.empty() : Optional.of(rateLimit);
        return new EmailConfig(rows.getString(1), rows.getString(2), rows.getString(3),
                ServiceType.of(rows.getString(4)).orElseThrow(), json.mapper().readValue(rows.getString(5), OBJECT),
                rows.getInt(6), rows.getBoolean(7), limit, Optional.ofNullable(rows.getString(9)),
                rows.getInt(10), rows.getLong(11), rows.getLong(12));
    }

    private void write(String sql, EmailConfigDraft draft, Sql.Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            statement.executeUpdate();
            writes.incrementAndGet();
        } catch (SQLException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiException(ErrorCode.BAD_REQUEST, "An email config with key " + draft.key() + " or name "
                        + draft.name() + " already exists");
            }
            throw new IllegalStateException("Cannot save email config", e);
        }
    }

    private static void setRateLimit(PreparedStatement statement, int index, Optional<Integer> rateLimit) throws SQLException {
        if (rateLimit.isPresent()) {
            statement.setInt(index, rateLimit.get());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }
}
