package io.mailgate.platform.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.mailgate.platform.Settings;

/** Opens the connection pool (PostgreSQL when configured, an H2 file otherwise) and migrates the schema. */
public final class Database {

    private Database() {
    }

    public static HikariDataSource open(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("mailgate-db");
        config.setMaximumPoolSize(settings.dbPoolSize());
        // A request waits at most this long for a connection, then answers 503 (ErrorResponses); the
        // start fails within seconds when the database cannot be reached.
        config.setConnectionTimeout(settings.dbConnectionTimeoutMillis());
        config.setExceptionOverrideClassName(BrokenConnections.class.getName());
        config.setInitializationFailTimeout(5_000);
        if (settings.usesPostgres()) {
            config.setJdbcUrl(settings.dbUrl());
            config.setUsername(settings.dbUser());
            config.setPassword(settings.dbPassword());
        } else {
            config.setJdbcUrl(h2Url(settings.dataDir()));
            config.setUsername("sa");
            config.setPassword("");
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            migrate(dataSource);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }

    public static String h2Url(Path dataDir) {
        // PostgreSQL mode keeps one schema and one set of SQL valid on both databases.
        // WRITE_DELAY=0: H2 otherwise writes commits to its file up to 500 ms later, and a killed
        // process loses mails it already acknowledged (the crash test found 63 of them).
        // DB_CLOSE_ON_EXIT=FALSE: H2 must not close itself at JVM shutdown while Camel still
        // finishes in-flight work; the pool closes the database last.
        // CACHE_SIZE: H2 caches up to an eighth of the heap by default, and kept more than that of large
        // mail bodies under load; a thirty-second leaves the heap to the memory budget (MemoryBudget).
        return "jdbc:h2:file:" + dataDir.resolve("db").resolve("mailgate")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
                + ";CACHE_SIZE=" + Math.max(1024, Runtime.getRuntime().maxMemory() / 32 / 1024);
    }

    public static String describe(Settings settings) {
        return settings.usesPostgres()
                ? "PostgreSQL " + settings.dbUrl().replaceAll("password=[^&;]*", "password=***")
                : "H2 file " + settings.dataDir().resolve("db");
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(migrationLocations(dataSource))
                .load()
                .migrate();
    }

    /**
     * Where the migrations are: the shared ones, and the few one database needs alone (db/vendor/h2,
     * db/vendor/postgresql; a version is in exactly one of the two, or in both).
     */
    public static String[] migrationLocations(DataSource dataSource) {
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new IllegalStateException("The database cannot be reached", e);
        }
        String vendor = product.toLowerCase(Locale.ROOT).contains("postgres") ? "postgresql" : "h2";
        return new String[] {"classpath:db/migration", "classpath:db/vendor/" + vendor};
    }
}
