package io.mailgate.security;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;

import io.mailgate.platform.Ids;
import io.mailgate.platform.db.LikePatterns;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * API users: a user name (case-insensitive), an Argon2id password hash, a name, and the scopes the
 * user was given ({@code null} until permissions are set: such a user can log in but do nothing).
 */
public class Users {

    private static final String COLUMNS = "id, username, password_hash, first_name, last_name, scopes, created_at";

    private final Jdbi jdbi;
    private final Tokens tokens;
    private final Clock clock;

    public Users(Jdbi jdbi, Tokens tokens, Clock clock) {
        this.jdbi = jdbi;
        this.tokens = tokens;
        this.clock = clock;
    }

    public record User(String id, String username, String passwordHash, String firstName, String lastName, Set<String> scopes,
                       boolean permissionsSet, long createdAt) {
    }

    public static String normalize(String username) {
        return username.trim().toLowerCase(Locale.ROOT);
    }

    public User create(String username, String password, String firstName, String lastName) {
        long now = clock.millis();
        User user = new User(Ids.newId(now), normalize(username), Passwords.hash(password), firstName, lastName, Set.of(), false, now);
        try {
            jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO api_user (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL, ?)")
                    .bind(0, user.id()).bind(1, user.username()).bind(2, user.passwordHash()).bind(3, firstName).bind(4, lastName)
                    .bind(5, now)
                    .execute());
        } catch (RuntimeException e) {
            if (UniqueViolation.is(e)) {
                throw new ApiException(ErrorCode.BAD_REQUEST, "Username already exists.");
            }
            throw e;
        }
        return user;
    }

    public Optional<User> find(String id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM api_user WHERE id = ?")
                .bind(0, id).map((rows, context) -> read(rows)).findOne());
    }

    /**
     * The user with this name and password; empty when either is wrong. An unknown name costs the same
     * hashing time as a wrong password, so the answer's timing says nothing of which names exist.
     */
    public Optional<User> authenticate(String username, String password) {
        Optional<User> user = findByUsername(username);
        if (user.isEmpty()) {
            Passwords.burn(password);
            return Optional.empty();
        }
        return Passwords.matches(password, user.get().passwordHash()) ? user : Optional.empty();
    }

    public Optional<User> findByUsername(String username) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM api_user WHERE username = ?")
                .bind(0, normalize(username)).map((rows, context) -> read(rows)).findOne());
    }

    /** A page of users whose name contains the filter (case-insensitive), by name. */
    public List<User> list(String usernameFilter, int offset, int limit) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM api_user WHERE username LIKE ?" + LikePatterns.ESCAPE + " "
                        + "ORDER BY username LIMIT ? OFFSET ?")
                .bind(0, LikePatterns.containing(normalize(usernameFilter))).bind(1, limit).bind(2, offset)
                .map((rows, context) -> read(rows)).list());
    }

    public long count(String usernameFilter) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM api_user WHERE username LIKE ?" + LikePatterns.ESCAPE)
                .bind(0, LikePatterns.containing(normalize(usernameFilter))).mapTo(Long.class).one());
    }

    /** Deletes the user and revokes every token that acts for it. */
    public boolean delete(String id) {
        boolean deleted = jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM api_user WHERE id = ?").bind(0, id).execute()) > 0;
        if (deleted) {
            tokens.revokeUser(id);
        }
        return deleted;
    }

    /** Sets the user's scopes; tokens issued before carry the old ones, so they are revoked. */
    public void setScopes(String id, Set<String> scopes) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE api_user SET scopes = ? WHERE id = ?")
                .bind(0, Scopes.join(scopes)).bind(1, id).execute());
        tokens.revokeUser(id);
    }

    private static User read(ResultSet rows) throws SQLException {
        String scopes = rows.getString("scopes");
        return new User(rows.getString("id"), rows.getString("username"), rows.getString("password_hash"),
                rows.getString("first_name"), rows.getString("last_name"), scopes == null ? Set.of() : Scopes.split(scopes),
                scopes != null, rows.getLong("created_at"));
    }
}
