package io.mailgate.provider;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Ids;
import io.mailgate.platform.Json;
import io.mailgate.platform.db.Statements;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.security.SecretBox;

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

    private final Jdbi jdbi;
    private final Json json;
    private final SecretBox secretBox;
    private final Clock clock;
    /** Counts the writes through this store: a remembered read from before the last write is not used. */
    private final AtomicLong writes = new AtomicLong();
    /** enabledInOrder(), read at most once per {@link #REMEMBER_ENABLED_MILLIS}. */
    private volatile Remembered enabled;

    public EmailConfigStore(Jdbi jdbi, Json json, SecretBox secretBox, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    public EmailConfig create(EmailConfigDraft draft) {
        long now = clock.millis();
        String id = Ids.newId(now);
        write("INSERT INTO email_config (id, config_key, name, service_type, details, priority, enabled, rate_limit, "
                + "version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)", draft, statement -> statement
                .bind(0, id).bind(1, draft.key()).bind(2, draft.name()).bind(3, draft.type().serviceType())
                .bind(4, json.write(draft.details())).bind(5, draft.priority()).bind(6, draft.enabled())
                .bind(7, draft.rateLimit().orElse(null)).bind(8, now).bind(9, now));
        return find(draft.key()).orElseThrow();
    }

    /** PATCH with a full body. A change of service type drops the secrets: they belong to the old type. */
    public EmailConfig update(EmailConfig current, EmailConfigDraft draft) {
        write(current.type() == draft.type() ? UPDATE_KEEPING_SECRETS : UPDATE_DROPPING_SECRETS, draft, statement -> statement
                .bind(0, draft.name()).bind(1, draft.type().serviceType()).bind(2, json.write(draft.details()))
                .bind(3, draft.priority()).bind(4, draft.enabled()).bind(5, draft.rateLimit().orElse(null))
                .bind(6, clock.millis()).bind(7, current.id()));
        return find(current.key()).orElseThrow();
    }

    public void putSecrets(EmailConfig config, Map<String, String> secrets) {
        io.mailgate.platform.LogMasking.hide(secrets.values());
        String sealed = secretBox.encrypt(json.write(secrets), config.id());
        jdbi.useHandle(handle -> handle.createUpdate(
                        "UPDATE email_config SET secrets = ?, version = version + 1, updated_at = ? WHERE id = ?")
                .bind(0, sealed).bind(1, clock.millis()).bind(2, config.id())
                .execute());
        writes.incrementAndGet();
    }

    /** The decrypted secrets, for building the provider's route only: never returned, never logged. */
    public Map<String, String> secrets(EmailConfig config) {
        return config.encryptedSecrets()
                .map(sealed -> (Map<String, String>) json.read(secretBox.decrypt(sealed, config.id()), STRINGS))
                .map(secrets -> {
                    io.mailgate.platform.LogMasking.hide(secrets.values());
                    return secrets;
                })
                .orElse(Map.of());
    }

    public boolean delete(String key) {
        boolean deleted = jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM email_config WHERE config_key = ?")
                .bind(0, key).execute()) > 0;
        writes.incrementAndGet();
        return deleted;
    }

    public Optional<EmailConfig> find(String key) {
        List<EmailConfig> found = select("SELECT " + COLUMNS + " FROM email_config WHERE config_key = ?", List.of(key));
        return found.stream().findFirst();
    }

    public List<EmailConfig> page(int page, int size) {
        return select("SELECT " + COLUMNS + " FROM email_config ORDER BY priority, created_at, id LIMIT ? OFFSET ?",
                List.of(size, (long) (page - 1) * size));
    }

    public long count() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM email_config").mapTo(Long.class).one());
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
        return jdbi.withHandle(handle -> Statements.bindAll(handle.createQuery(sql), parameters).map(this::row).list());
    }

    private EmailConfig row(ResultSet rows, StatementContext context) throws SQLException {
        return new EmailConfig(rows.getString("id"), rows.getString("config_key"), rows.getString("name"),
                ProviderTypes.of(rows.getString("service_type")).orElseThrow(), json.read(rows.getString("details"), OBJECT),
                rows.getInt("priority"), rows.getBoolean("enabled"), Statements.optionalInt(rows, "rate_limit"),
                Optional.ofNullable(rows.getString("secrets")), rows.getInt("version"), rows.getLong("created_at"),
                rows.getLong("updated_at"));
    }

    private void write(String sql, EmailConfigDraft draft, java.util.function.Consumer<Update> binder) {
        try {
            jdbi.useHandle(handle -> {
                Update update = handle.createUpdate(sql);
                binder.accept(update);
                update.execute();
            });
            writes.incrementAndGet();
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiException(ErrorCode.BAD_REQUEST, "An email config with key " + draft.key() + " or name "
                        + draft.name() + " already exists");
            }
            throw e;
        }
    }
}
