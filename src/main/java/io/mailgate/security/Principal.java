package io.mailgate.security;

import java.util.Set;

/** An authenticated API client and the scopes it holds. */
public record Principal(String clientId, Set<String> scopes) {

    public Principal {
        scopes = Set.copyOf(scopes);
    }
}
