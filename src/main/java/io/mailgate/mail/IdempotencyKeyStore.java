package io.mailgate.mail;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Idempotency keys: per client, the hash of the first request made with a key and the mail it
 * made. Recorded in the transaction that stores the mail, so a key never outlives or precedes it.
 */
public class IdempotencyKeyStore {

    private final Jdbi jdbi;
    private final Clock clock;
    private final long ttlMillis;

    /** @param ttlMillis how long a key is remembered */
    public IdempotencyKeyStore(Jdbi jdbi, Clock clock, long ttlMillis) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ttlMillis = ttlMillis;
    }

    /** The keys among these that a client used before, with what they made: one query. */
    Map<String, Earlier> earlier(Handle handle, String clientId, Collection<String> keys) {
        Map<String, Earlier> known = new HashMap<>();
        handle.createQuery("SELECT idem_key, request_hash, mail_id, created_at FROM idempotency_key "
                        + "WHERE client_id = :client AND idem_key IN (<keys>)")
                .bind("client", clientId).bindList("keys", List.copyOf(keys))
                .map((rows, context) -> Map.entry(rows.getString("idem_key"), new Earlier(rows.getString("request_hash"),
                        rows.getString("mail_id"), rows.getLong("created_at"))))
                .forEach(entry -> known.put(entry.getKey(), entry.getValue()));
        return known;
    }

    /**
     * What a request with a key gets: the earlier mail when the key is alive and was used for the same
     * request, a 409 when for another one; nothing (a new mail) when the key is unknown or expired (and
     * then forgotten).
     */
    Optional<String> resolve(Handle handle, String clientId, String key, Earlier earlier, String requestHash, long now) {
        if (earlier == null) {
            return Optional.empty();
        }
        if (earlier.createdAt() < now - ttlMillis) {
            handle.createUpdate("DELETE FROM idempotency_key WHERE client_id = ? AND idem_key = ?")
                    .bind(0, clientId).bind(1, key).execute();
            return Optional.empty();
        }
        if (!earlier.requestHash().equals(requestHash)) {
            throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "The idempotency key was already used for a different request");
        }
        return Optional.of(earlier.mailId());
    }

    /** Adds the record of a key to a batch of them (client, key, request hash, mail, time). */
    static PreparedBatch insertBatch(Handle handle) {
        return handle.prepareBatch("INSERT INTO idempotency_key (client_id, idem_key, request_hash, mail_id, created_at) "
                + "VALUES (?, ?, ?, ?, ?)");
    }

    static void add(PreparedBatch batch, String clientId, String key, String requestHash, String mailId, long now) {
        batch.bind(0, clientId).bind(1, key).bind(2, requestHash).bind(3, mailId).bind(4, now).add();
    }

    /** Forgets keys older than their time to live. */
    public int purge() {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM idempotency_key WHERE created_at < ?")
                .bind(0, clock.millis() - ttlMillis).execute());
    }

    record Earlier(String requestHash, String mailId, long createdAt) {
    }
}
