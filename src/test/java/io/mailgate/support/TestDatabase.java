package io.mailgate.support;

import java.util.Map;

/**
 * The databases the suite runs on: H2 always; PostgreSQL when MAILGATE_TEST_PG_URL (with
 * MAILGATE_TEST_PG_USER and MAILGATE_TEST_PG_PASSWORD) is set, as .ci/run does.
 */
public enum TestDatabase {
    H2, POSTGRES;

    public static boolean postgresAvailable() {
        String url = System.getenv("MAILGATE_TEST_PG_URL");
        return url != null && !url.isBlank();
    }

    Map<String, String> properties() {
        if (this == H2) {
            return Map.of();
        }
        return Map.of(
                "mailgate.db.url", System.getenv("MAILGATE_TEST_PG_URL"),
                "mailgate.db.user", envOrEmpty("MAILGATE_TEST_PG_USER"),
                "mailgate.db.password", envOrEmpty("MAILGATE_TEST_PG_PASSWORD"));
    }

    private static String envOrEmpty(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value;
    }
}
