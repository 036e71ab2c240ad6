package io.mailgate.security;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.mailgate.store.Sql;

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

    private final DataSource dataSource;
    private final long accessTtlSeconds;
    private final Clock clock;
    /** By token hash: access tokens found valid within the last {@link #REMEMBER_MILLIS}. */
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();
    /** Counts forgetRemembered(): an entry read from the database before the last one is not used. */
    private final AtomicLong forgets = new AtomicLong();

    public Tokens(DataSource dataSource, long accessTtlSeconds, Clock clock) {
        this.dataSource = dataSource;
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
        return Sql.query(dataSource,
                "SELECT client_id, scopes, expires_at FROM access_token WHERE token_hash = ? AND kind = ?",
                statement -> {
                    statement.setString(1, hash);
                    statement.setString(2, kind);
                },
                rows -> {
                    if (!rows.next()) {
                        return new Lookup(Optional.empty(), false);
                    }
                    Principal principal = new Principal(rows.getString(1), Scopes.split(rows.getString(2)));
                    long expiresAt = rows.getLong(3);
                    if (kind.equals(ACCESS) && expiresAt > now) {
                        remember(hash, new Remembered(principal, expiresAt, now + REMEMBER_MILLIS, generation));
                    }
                    return new Lookup(Optional.of(principal), expiresAt <= now);
                });
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

    /** Refresh tokens are single use. */
    public boolean revoke(String token) {
        return Sql.update(dataSource, "DELETE FROM access_token WHERE token_hash = ?",
                statement -> statement.setString(1, Secrets.sha256(token))) > 0;
    }


    private String issue(Principal principal, String kind, long ttlSeconds) {
        String token = Secrets.random();
        long expiresAt = clock.millis() + ttlSeconds * 1000;
        Sql.update(dataSource,
                "INSERT INTO access_token (token_hash, client_id, scopes, kind, expires_at) VALUES (?, ?, ?, ?, ?)",
                statement -> {
                    statement.setString(1, Secrets.sha256(token));
                    statement.setString(2, principal.clientId());
                    statement.setString(3, Scopes.join(principal.scopes()));
                    statement.setString(4, kind);
                    statement.setLong(5, expiresAt);
                });
        return token;
    }

    public record Lookup(Optional<Principal> principal, boolean expired) {
    }
}
