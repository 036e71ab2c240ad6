package io.mailgate.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import io.mailgate.store.Sql;

/**
 * API clients: the root client from configuration, and the clients it (or another client holding
 * {@code client:create}) made, stored with a hash of their secret.
 */
public class Clients {

    private final DataSource dataSource;
    private final Tokens tokens;
    private final String rootId;
    private final String rootSecret;

    public Clients(DataSource dataSource, Tokens tokens, String rootId, String rootSecret) {
        this.dataSource = dataSource;
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
                    ? Optional.of(new Principal(rootId, Scopes.ALL)) : Optional.empty();
        }
        return Sql.query(dataSource, "SELECT secret_hash, scopes FROM api_client WHERE client_id = ?",
                statement -> statement.setString(1, clientId),
                rows -> rows.next() && Secrets.constantTimeEquals(rows.getString(1), Secrets.sha256(secret))
                        ? Optional.of(new Principal(clientId, Scopes.split(rows.getString(2))))
                        : Optional.<Principal>empty());
    }

    public Credentials create(Set<String> scopes) {
        String clientId = Secrets.random().substring(0, 24);
        String secret = Secrets.random();
        Sql.update(dataSource, "INSERT INTO api_client (client_id, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?)",
                statement -> {
                    statement.setString(1, clientId);
                    statement.setString(2, Secrets.sha256(secret));
                    statement.setString(3, Scopes.join(scopes));
                    statement.setLong(4, System.currentTimeMillis());
                });
        return new Credentials(clientId, secret);
    }

    /** Removes the client and every token it holds. */
    public boolean delete(String clientId) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement clientTokens = connection.prepareStatement("DELETE FROM access_token WHERE client_id = ?");
                 PreparedStatement client = connection.prepareStatement("DELETE FROM api_client WHERE client_id = ?")) {
                clientTokens.setString(1, clientId);
                clientTokens.executeUpdate();
                client.setString(1, clientId);
                boolean deleted = client.executeUpdate() > 0;
                connection.commit();
                tokens.forgetRemembered();
                return deleted;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot delete client", e);
        }
    }

    public record Credentials(String clientId, String clientSecret) {
    }

}
