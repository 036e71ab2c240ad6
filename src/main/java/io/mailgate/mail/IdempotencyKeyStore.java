package io.mailgate.mail;

import java.time.Clock;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

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

    /**
     * The mail an earlier request with this key made, when the key is known and alive. The same key
     * with another request body is a 409; an expired key is forgotten and this request takes it.
     */
    Optional<String> earlierMail(Handle handle, String clientId, String key, String requestHash, long now) {
        Optional<Earlier> earlier = handle.createQuery(
                        "SELECT request_hash, mail_id, created_at FROM idempotency_key WHERE client_id = ? AND idem_key = ?")
                .bind(0, clientId).bind(1, key)
                .map((rows, context) -> new Earlier(rows.getString("request_hash"), rows.getString("mail_id"),
                        rows.getLong("created_at")))
                .findOne();
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (earlier.get().createdAt() < now - ttlMillis) {
            handle.createUpdate("DELETE FROM idempotency_key WHERE client_id = ? AND idem_key = ?")
                    .bind(0, clientId).bind(1, key).execute();
            return Optional.empty();
        }
        if (!earlier.get().requestHash().equals(requestHash)) {
            throw new ApiException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "The idempotency key was already used for a different request");
        }
        return Optional.of(earlier.get().mailId());
    }

    void insert(Handle handle, String clientId, String key, String requestHash, String mailId, long now) {
        handle.createUpdate("INSERT INTO idempotency_key (client_id, idem_key, request_hash, mail_id, created_at) "
                        + "VALUES (?, ?, ?, ?, ?)")
                .bind(0, clientId).bind(1, key).bind(2, requestHash).bind(3, mailId).bind(4, now)
                .execute();
    }

    /** Forgets keys older than their time to live. */
    public int purge() {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM idempotency_key WHERE created_at < ?")
                .bind(0, clock.millis() - ttlMillis).execute());
    }

    private record Earlier(String requestHash, String mailId, long createdAt) {
    }
}
