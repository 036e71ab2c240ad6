package io.mailgate.support;

import java.util.Map;

/** The databases the suite runs on: an H2 file in each instance's data directory, and PostgreSQL (TestPostgres). */
public enum TestDatabase {
    H2, POSTGRES;

    /** Mailgate's settings for this database, as configuration keys. */
    Map<String, String> properties() {
        if (this == H2) {
            return Map.of();
        }
        TestPostgres server = TestPostgres.server();
        return Map.of("mailgate.db.url", server.url(), "mailgate.db.user", server.user(),
                "mailgate.db.password", server.password());
    }

    /** The same settings as environment variables, for a Mailgate in its own process. */
    public Map<String, String> environment() {
        Map<String, String> environment = new java.util.HashMap<>();
        properties().forEach((key, value) -> environment.put(key.toUpperCase(java.util.Locale.ROOT)
                .replace('.', '_').replace('-', '_'), value));
        return environment;
    }
}
