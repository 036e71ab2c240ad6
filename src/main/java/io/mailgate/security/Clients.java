package io.mailgate.security;

import java.util.Optional;
import java.util.Set;

import org.jdbi.v3.core.Jdbi;

/**
 * API clients: the root client from configuration, and the clients it (or another client holding
 * {@code client:create}) made, stored with a hash of their secret.
 */
public class Clients {

    private final Jdbi jdbi;
    private final Tokens tokens;
    private final String rootId;
    private final String rootSecret;

    public Clients(Jdbi jdbi, Tokens tokens, String rootId, String rootSecret) {
        this.jdbi = jdbi;
        this.tokens = tokens;
        this.rootId = rootId;
        this.rootSecret = rootSecret;
    }

    /** The client these credentials belong to, if they are right. */
    public Optional<Principal> authenticate(String clientId, String secret) {
        if (clientId == null || secret == null || clientId.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        if (clientId.equals(rootId)) {
            return Secrets.constantTimeEquals(secret, rootSecret)
                    ? Optional.of(Principal.client(rootId, Scopes.ALL)) : Optional.empty();
        }
        return jdbi.withHandle(handle -> handle.createQuery("SELECT secret_hash, scopes FROM api_client WHERE client_id = ?")
                        .bind(0, clientId)
                        .map((rows, context) -> Secrets.constantTimeEquals(rows.getString("secret_hash"), Secrets.sha256(secret))
                                ? Optional.of(Principal.client(clientId, Scopes.split(rows.getString("scopes"))))
                                : Optional.<Principal>empty())
                        .findOne())
                .flatMap(principal -> principal);
    }

    public Credentials create(Set<String> scopes) {
        String clientId = Secrets.random().substring(0, 24);
        String secret = Secrets.random();
        jdbi.useHandle(handle -> handle.createUpdate(
                        "INSERT INTO api_client (client_id, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?)")
                .bind(0, clientId).bind(1, Secrets.sha256(secret)).bind(2, Scopes.join(scopes)).bind(3, System.currentTimeMillis())
                .execute());
        return new Credentials(clientId, secret);
    }

    /** Removes the client and every token it holds. */
    public boolean delete(String clientId) {
        boolean deleted = jdbi.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM access_token WHERE client_id = ?").bind(0, clientId).execute();
            return handle.createUpdate("DELETE FROM api_client WHERE client_id = ?").bind(0, clientId).execute() > 0;
        });
        tokens.forgetRemembered();
        return deleted;
    }

    public record Credentials(String clientId, String clientSecret) {
    }

}
