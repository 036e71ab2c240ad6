package io.mailgate.security;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jdbi.v3.core.Jdbi;

/**
 * Opaque bearer tokens. The database keeps only their SHA-256, so a leaked table grants nothing,
 * and every instance sharing the database accepts them.
 *
 * <p>A valid access token is remembered for {@link #REMEMBER_MILLIS}, so that a busy client does not
 * cost a database read per request. Deleting a client forgets at once on this instance; another
 * instance may accept that client's tokens for up to that long.
 */
public class Tokens {

    static final String ACCESS = "access";
    static final String REFRESH = "refresh";
    private static final long REFRESH_TTL_SECONDS = 30L * 24 * 3600;
    static final long REMEMBER_MILLIS = 1000;
    private static final int MAX_REMEMBERED = 10_000;

    private final Jdbi jdbi;
    private final long accessTtlSeconds;
    private final Clock clock;
    /** By token hash: access tokens found valid within the last {@link #REMEMBER_MILLIS}. */
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /** Counts forgetRemembered(): an entry read from the database before the last one is not used. */
    private final AtomicLong forgets = new AtomicLong();

    public Tokens(Jdbi jdbi, long accessTtlSeconds, Clock clock) {
        this.jdbi = jdbi;
        this.accessTtlSeconds = accessTtlSeconds;
        this.clock = clock;
    }

    public long accessTtlSeconds() {
        return accessTtlSeconds;
    }

    public String issueAccess(Principal principal) {
        return issue(principal, ACCESS, accessTtlSeconds);
    }

    public String issueRefresh(Principal principal) {
        return issue(principal, REFRESH, REFRESH_TTL_SECONDS);
    }

    /** What a presented token is: unknown, expired, or valid for a principal. */
    public Lookup lookup(String token, String kind) {
        long now = clock.millis();
        String hash = Secrets.sha256(token);
        long generation = forgets.get();
        if (kind.equals(ACCESS)) {
            Remembered known = remembered.get(hash);
            if (known != null && known.generation() == generation && now < known.until() && now < known.expiresAt()) {
                return new Lookup(Optional.of(known.principal()), false);
            }
        }
        Optional<Stored> stored = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT client_id, user_id, scopes, expires_at FROM access_token WHERE token_hash = ? AND kind = ?")
                .bind(0, hash).bind(1, kind)
                .map((rows, context) -> new Stored(new Principal(rows.getString("client_id"), rows.getString("user_id"),
                        Scopes.split(rows.getString("scopes"))), rows.getLong("expires_at")))
                .findOne());
        if (stored.isEmpty()) {
            return new Lookup(Optional.empty(), false);
        }
        long expiresAt = stored.get().expiresAt();
        if (kind.equals(ACCESS) && expiresAt > now) {
            remember(hash, new Remembered(stored.get().principal(), expiresAt, now + REMEMBER_MILLIS, generation));
        }
        return new Lookup(Optional.of(stored.get().principal()), expiresAt <= now);
    }

    private record Stored(Principal principal, long expiresAt) {
    }

    /** After tokens were deleted (a client removed): look every token up again. */
    public void forgetRemembered() {
        forgets.incrementAndGet();
        remembered.clear();
    }

    private void remember(String hash, Remembered entry) {
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(hash, entry);
    }

    private record Remembered(Principal principal, long expiresAt, long until, long generation) {
    }

    /** Revokes every token that acts for the user (deleted, or its permissions changed). */
    public void revokeUser(String userId) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM access_token WHERE user_id = ?").bind(0, userId).execute());
        forgetRemembered();
    }

    /** Refresh tokens are single use. */
    public boolean revoke(String token) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM access_token WHERE token_hash = ?")
                .bind(0, Secrets.sha256(token)).execute()) > 0;
    }

    private String issue(Principal principal, String kind, long ttlSeconds) {
        String token = Secrets.random();
        long expiresAt = clock.millis() + ttlSeconds * 1000;
        jdbi.useHandle(handle -> handle.createUpdate(
                        "INSERT INTO access_token (token_hash, client_id, user_id, scopes, kind, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, Secrets.sha256(token)).bind(1, principal.clientId()).bind(2, principal.userId())
                .bind(3, Scopes.join(principal.scopes())).bind(4, kind).bind(5, expiresAt)
                .execute());
        return token;
    }

    public record Lookup(Optional<Principal> principal, boolean expired) {
    }
}
