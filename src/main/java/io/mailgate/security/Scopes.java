package io.mailgate.security;

import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Every scope a client can hold (API.md §1). */
public final class Scopes {

    /** Mailgate's own scopes: mails, templates, dead letters, suppressions, webhooks. */
    private static final List<String> MAILGATE = List.of(
            "mail:send", "mail:read", "mail:delete",
            "template:read", "template:create_or_update", "template:delete",
            "deadletter:read", "deadletter:replay",
            "suppression:read", "suppression:create", "suppression:delete", "suppression:override",
            "webhook:read", "webhook:create", "webhook:delete");

    /**
     * fidesops 1.8's whole scope vocabulary, so that its clients and Postman steps can create clients and
     * users with the scopes they know; the ones naming a feature Mailgate does not have grant nothing.
     */
    private static final List<String> FIDESOPS = List.of(
            "client:create", "client:update", "client:read", "client:delete",
            "config:read",
            "policy:create_or_update", "policy:read", "policy:delete",
            "connection_type:read",
            "connection:create_or_update", "connection:read", "connection:delete", "connection:authorize",
            "connection:instantiate",
            "consent:read",
            "privacy-request:read", "privacy-request:delete", "privacy-request:resume", "privacy-request:review",
            "privacy-request:upload_data", "privacy-request:view_data",
            "webhook:create_or_update", "webhook:read", "webhook:delete",
            "rule:create_or_update", "rule:read", "rule:delete",
            "storage:create_or_update", "storage:read", "storage:delete",
            "email:create_or_update", "email:read", "email:delete",
            "scope:read",
            "encryption:exec",
            "dataset:create_or_update", "dataset:read", "dataset:delete",
            "saas_config:create_or_update", "saas_config:read", "saas_config:delete",
            "user:create", "user:update", "user:read", "user:delete", "user:reset-password",
            "user-permission:create", "user-permission:update", "user-permission:read");

    /** Every scope a client or user can hold (API.md §1). */
    public static final Set<String> ALL = Set.copyOf(new LinkedHashSet<>(
            java.util.stream.Stream.concat(MAILGATE.stream(), FIDESOPS.stream()).toList()));

    private Scopes() {
    }

    public static String join(Set<String> scopes) {
        return scopes.stream().sorted().collect(Collectors.joining(" "));
    }

    public static Set<String> split(String scopes) {
        return scopes.isBlank() ? Set.of() : Set.of(scopes.trim().split(" +"));
    }
}
