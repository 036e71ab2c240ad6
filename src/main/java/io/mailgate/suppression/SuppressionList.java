package io.mailgate.suppression;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

import io.mailgate.platform.db.LikePatterns;
import io.mailgate.platform.db.UniqueViolation;

/**
 * The suppression list, in the database so that every instance honours it: per client, and a global
 * list ({@link Suppression#GLOBAL}) that holds for every client. Addresses are kept in lower case and
 * matched that way.
 */
public class SuppressionList {

    private final Jdbi jdbi;
    private final Clock clock;

    public SuppressionList(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Of these addresses, the ones suppressed for the client (or globally), each with its suppression. */
    public Map<String, Suppression> matching(String clientId, Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return Map.of();
        }
        Map<String, Suppression> found = new HashMap<>();
        jdbi.useHandle(handle -> handle.createQuery("SELECT client_id, email, reason, source, created_at FROM suppression "
                        + "WHERE client_id IN (:client, :global) AND email IN (<emails>)")
                .bind("client", clientId == null ? Suppression.GLOBAL : clientId).bind("global", Suppression.GLOBAL)
                .bindList("emails", addresses.stream().map(SuppressionList::normal).distinct().toList())
                .map(SuppressionList::row)
                .forEach(suppression -> found.putIfAbsent(suppression.email(), suppression)));
        return found;
    }

    /** Of these addresses, every suppression on the lists of these clients or the global one: for a batch of mails at once. */
    public List<Suppression> matchingAny(Collection<String> clientIds, Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return List.of();
        }
        List<String> clients = new java.util.ArrayList<>(new java.util.LinkedHashSet<>(clientIds));
        clients.add(Suppression.GLOBAL);
        return jdbi.withHandle(handle -> handle.createQuery("SELECT client_id, email, reason, source, created_at FROM suppression "
                        + "WHERE client_id IN (<clients>) AND email IN (<emails>)")
                .bindList("clients", clients)
                .bindList("emails", addresses.stream().map(SuppressionList::normal).distinct().toList())
                .map(SuppressionList::row).list());
    }

    /** Adds an address (again: the first entry stays, with its reason). Returns the entry that holds. */
    public Suppression add(String clientId, String email, String reason, String source) {
        String address = normal(email);
        try {
            jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO suppression (client_id, email, reason, source, created_at) "
                            + "VALUES (?, ?, ?, ?, ?)")
                    .bind(0, clientId).bind(1, address).bind(2, reason).bind(3, source).bind(4, clock.millis()).execute());
        } catch (RuntimeException e) {
            if (!UniqueViolation.is(e)) {
                throw e;
            }
        }
        return find(clientId, address).orElseThrow();
    }

    /**
     * Adds an address in the caller's transaction unless the client's list has it already (whose entry
     * then stays). The reason is cut to what the list keeps. True when it was added.
     */
    public boolean add(org.jdbi.v3.core.Handle handle, String clientId, String email, String reason, String source) {
        String address = normal(email);
        String kept = reason.length() > Suppression.MAX_REASON ? reason.substring(0, Suppression.MAX_REASON - 1) + "…" : reason;
        return handle.createUpdate("INSERT INTO suppression (client_id, email, reason, source, created_at) SELECT ?, ?, ?, ?, ? "
                        + "WHERE NOT EXISTS (SELECT 1 FROM suppression WHERE client_id = ? AND email = ?)")
                .bind(0, clientId).bind(1, address).bind(2, kept).bind(3, source).bind(4, clock.millis())
                .bind(5, clientId).bind(6, address).execute() == 1;
    }

    public Optional<Suppression> find(String clientId, String email) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT client_id, email, reason, source, created_at FROM suppression "
                        + "WHERE client_id = ? AND email = ?")
                .bind(0, clientId).bind(1, normal(email)).map(SuppressionList::row).findOne());
    }

    /** Removes an address from the client's list; false when it was not on it. */
    public boolean remove(String clientId, String email) {
        return jdbi.withHandle(handle -> handle.createUpdate("DELETE FROM suppression WHERE client_id = ? AND email = ?")
                .bind(0, clientId).bind(1, normal(email)).execute()) == 1;
    }

    /** One page of the client's list and the global one, newest first, optionally the addresses containing a text. */
    public List<Suppression> page(String clientId, Optional<String> search, int page, int size) {
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery("SELECT client_id, email, reason, source, created_at FROM suppression "
                            + "WHERE client_id IN (:client, :global)" + searchCondition(search)
                            + " ORDER BY created_at DESC, email LIMIT :limit OFFSET :offset")
                    .bind("client", clientId).bind("global", Suppression.GLOBAL)
                    .bind("limit", size).bind("offset", (long) (page - 1) * size);
            search.ifPresent(text -> query.bind("search", LikePatterns.containing(normal(text))));
            return query.map(SuppressionList::row).list();
        });
    }

    public long count(String clientId, Optional<String> search) {
        return jdbi.withHandle(handle -> {
            var query = handle.createQuery("SELECT COUNT(*) FROM suppression WHERE client_id IN (:client, :global)"
                            + searchCondition(search))
                    .bind("client", clientId).bind("global", Suppression.GLOBAL);
            search.ifPresent(text -> query.bind("search", LikePatterns.containing(normal(text))));
            return query.mapTo(Long.class).one();
        });
    }

    private static String searchCondition(Optional<String> search) {
        return search.isPresent() ? " AND email LIKE :search" + LikePatterns.ESCAPE : "";
    }

    static String normal(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    private static Suppression row(ResultSet rows, StatementContext context) throws SQLException {
        return new Suppression(rows.getString("client_id"), rows.getString("email"), rows.getString("reason"),
                rows.getString("source"), rows.getLong("created_at"));
    }
}
