package io.mailgate.security;

import java.util.Set;

/**
 * Who calls: an API client, or a user the client logged in ({@code userId} set), with the scopes the
 * call may use (for a user: the user's scopes that the client also holds).
 */
public record Principal(String clientId, String userId, Set<String> scopes) {

    public Principal {
        scopes = Set.copyOf(scopes);
    }

    public static Principal client(String clientId, Set<String> scopes) {
        return new Principal(clientId, null, scopes);
    }

    /** Who a record names as its creator: the user, else the client. */
    public String actor() {
        return userId != null ? userId : clientId;
    }
}
