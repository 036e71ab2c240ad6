package io.mailgate.security;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Signing in a person at the operator console: an API user by name and password, or an API client by
 * id and secret, with the same guessing limits as the token endpoints. The session gets an access
 * token of the principal's own scopes, so the API decides what the console shows and allows.
 */
public class SignIn {

    private static final String WRONG = "The name and password (or client id and secret) are not right";

    private final Users users;
    private final Clients clients;
    private final Tokens tokens;
    private final LoginThrottle throttle;

    public SignIn(Users users, Clients clients, Tokens tokens, LoginThrottle throttle) {
        this.users = users;
        this.clients = clients;
        this.tokens = tokens;
        this.throttle = throttle;
    }

    /** An access token for the user with this name and password. */
    public Session user(String username, String password, Object remote) {
        if (username.length() > 255 || password.length() > 1000) {
            throw wrong();
        }
        String subject = LoginThrottle.user(Users.normalize(username));
        String address = LoginThrottle.address(remote);
        throttle.check(subject, address);
        Users.User user = users.authenticate(username, password).orElse(null);
        if (user == null) {
            throttle.failed(subject, address);
            throw wrong();
        }
        throttle.succeeded(subject);
        Principal principal = new Principal(user.id(), user.id(), user.scopes());
        return new Session(tokens.issueAccess(principal), principal, user.username(), tokens.accessTtlSeconds());
    }

    /** An access token for the client with this id and secret. */
    public Session client(String clientId, String secret, Object remote) {
        if (clientId.length() > 255 || secret.length() > 1000) {
            throw wrong();
        }
        String subject = LoginThrottle.client(clientId);
        String address = LoginThrottle.address(remote);
        throttle.check(subject, address);
        Principal principal = clients.authenticate(clientId, secret).orElseThrow(() -> {
            throttle.failed(subject, address);
            return wrong();
        });
        return new Session(tokens.issueAccess(principal), principal, clientId, tokens.accessTtlSeconds());
    }

    /** The principal an access token stands for, while it is valid. */
    public java.util.Optional<Principal> principal(String token) {
        Tokens.Lookup lookup = tokens.lookup(token, Tokens.ACCESS);
        return lookup.expired() ? java.util.Optional.empty() : lookup.principal();
    }

    /** How the console names a principal: the user's name, else the client's id. */
    public String name(Principal principal) {
        return principal.userId() == null ? principal.clientId()
                : users.find(principal.userId()).map(Users.User::username).orElse(principal.userId());
    }

    public void signOut(String token) {
        tokens.revoke(token);
        tokens.forgetRemembered();
    }

    /** A signed-in session: its access token (the cookie), who, and for how long. */
    public record Session(String token, Principal principal, String name, long ttlSeconds) {
    }

    private static ApiException wrong() {
        return new ApiException(ErrorCode.LOGIN_FAILED, WRONG);
    }
}
