package io.mailgate.provider;

/** fidesops derives a missing key from the name: snake case. */
public final class FidesKeys {

    private FidesKeys() {
    }

    public static String fromName(String name) {
        return EmailConfigRequests.snakeCase(name);
    }
}
