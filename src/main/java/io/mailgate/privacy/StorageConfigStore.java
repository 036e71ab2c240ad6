package io.mailgate.privacy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import com.fasterxml.jackson.core.type.TypeReference;

import io.mailgate.platform.Json;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.security.SecretBox;

/** Storage destinations; their secrets (S3 keys) are encrypted like every secret. */
public class StorageConfigStore {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "storage_key, name, type, details, format, secrets, updated_at";

    private final Jdbi jdbi;
    private final Json json;
    private final SecretBox secretBox;
    private final Clock clock;

    public StorageConfigStore(Jdbi jdbi, Json json, SecretBox secretBox, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    /** Creates or updates by key; keys and names are unique, as fidesops tells them apart. */
    public Saved save(String key, String name, String type, Map<String, Object> details, String format) {
        long now = clock.millis();
        boolean exists = find(key).isPresent();
        try {
            jdbi.useHandle(handle -> {
                if (exists) {
                    handle.createUpdate("UPDATE storage_config SET name = ?, type = ?, details = ?, format = ?, "
                                    + "version = version + 1, updated_at = ? WHERE storage_key = ?")
                            .bind(0, name).bind(1, type).bind(2, json.write(details)).bind(3, format).bind(4, now).bind(5, key)
                            .execute();
                } else {
                    handle.createUpdate("INSERT INTO storage_config (storage_key, name, type, details, format, created_at, "
                                    + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                            .bind(0, key).bind(1, name).bind(2, type).bind(3, json.write(details)).bind(4, format).bind(5, now)
                            .bind(6, now)
                            .execute();
                }
            });
            return Saved.SAVED;
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                return !exists && find(key).isPresent() ? Saved.KEY_TAKEN : Saved.NAME_TAKEN;
            }
            throw e;
        }
    }

    public void putSecrets(String key, StorageConfig.S3Secrets secrets) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("aws_access_key_id", secrets.accessKeyId());
        values.put("aws_secret_access_key", secrets.secretAccessKey());
        io.mailgate.platform.LogMasking.hide(values.values());
        String sealed = secretBox.encrypt(json.write(values), "storage:" + key);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE storage_config SET secrets = ?, version = version + 1, updated_at = ? "
                        + "WHERE storage_key = ?")
                .bind(0, sealed).bind(1, clock.millis()).bind(2, key)
                .execute());
    }

    public Optional<StorageConfig> find(String key) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM storage_config WHERE storage_key = ?")
                .bind(0, key).map(this::row).findOne());
    }

    public boolean exists(String key) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM storage_config WHERE storage_key = ?")
                .bind(0, key).mapTo(Long.class).one()) > 0;
    }

    /** A page, newest first as fidesops lists them. */
    public List<StorageConfig> page(int page, int size) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM storage_config "
                        + "ORDER BY created_at DESC, storage_key LIMIT ? OFFSET ?")
                .bind(0, size).bind(1, (long) (page - 1) * size).map(this::row).list());
    }

    public long count() {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM storage_config").mapTo(Long.class).one());
    }

    /** Whether a policy's access rule still writes to this destination. */
    public boolean inUse(String key) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM policy_rule WHERE storage_destination_key = ?")
                .bind(0, key).mapTo(Long.class).one()) > 0;
    }

    public boolean delete(String key) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM storage_config WHERE storage_key = ?")
                .bind(0, key).execute()) > 0;
    }

    private StorageConfig row(ResultSet rows, StatementContext context) throws SQLException {
        String key = rows.getString("storage_key");
        String sealed = rows.getString("secrets");
        Optional<StorageConfig.S3Secrets> secrets = Optional.ofNullable(sealed).map(s -> {
            Map<String, String> values = json.read(secretBox.decrypt(s, "storage:" + key), STRINGS);
            io.mailgate.platform.LogMasking.hide(values.values());
            return new StorageConfig.S3Secrets(values.get("aws_access_key_id"), values.get("aws_secret_access_key"));
        });
        return new StorageConfig(key, rows.getString("name"), rows.getString("type"), json.read(rows.getString("details"), OBJECT),
                rows.getString("format"), secrets, rows.getLong("updated_at"));
    }
}
