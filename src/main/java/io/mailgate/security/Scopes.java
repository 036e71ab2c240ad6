package io.mailgate.security;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Every scope a client can hold (API.md §1). */
public final class Scopes {

    public static final Set<String> ALL = Set.copyOf(new LinkedHashSet<>(Arrays.asList(
            "mail:send", "mail:read", "mail:delete",
            "template:read", "template:create_or_update", "template:delete",
            "email:create_or_update", "email:read", "email:delete",
            "connection:create_or_update", "connection:read", "connection:delete",
            "dataset:create_or_update", "dataset:read", "dataset:delete",
            "policy:create_or_update", "policy:read",
            "privacy-request:read", "privacy-request:review",
            "client:create", "client:delete",
            "user:create", "user:read", "user:delete",
            "user-permission:create", "user-permission:update", "user-permission:read",
            "deadletter:read", "deadletter:replay")));

    private Scopes() {
    }

    public static String join(Set<String> scopes) {
        return scopes.stream().sorted().collect(Collectors.joining(" "));
    }

    public static Set<String> split(String scopes) {
        return scopes.isBlank() ? Set.of() : Set.of(scopes.trim().split(" +"));
    }
}
