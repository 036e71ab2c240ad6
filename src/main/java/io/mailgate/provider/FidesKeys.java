package io.mailgate.provider;

/** fidesops derives a missing key from the name: snake case. */
public final class FidesKeys {

    private FidesKeys() {
    }

    public static String fromName(String name) {
        String key = name.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return key.isEmpty() ? "_" : key;
    }
}
