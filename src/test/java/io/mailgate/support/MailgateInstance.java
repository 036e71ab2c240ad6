package io.mailgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.main.Main;

import io.mailgate.MailgateApplication;

/**
 * A real Mailgate, started in this JVM the way MailgateApplication starts it, on a free port with its
 * own data directory. Tests talk to it over HTTP only.
 */
public final class MailgateInstance implements AutoCloseable {

    private final Main main;
    private final Thread runner;
    private final int port;
    private final Path dataDir;

    private final int brokerPort;

    private MailgateInstance(Main main, Thread runner, int port, Path dataDir, int brokerPort) {
        this.main = main;
        this.runner = runner;
        this.port = port;
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
    }

    /** The embedded broker's CORE/AMQP port, for producers outside the gateway. */
    public int brokerPort() {
        return brokerPort;
    }

    public static MailgateInstance start(Map<String, String> properties) {
        return start(TestDatabase.H2, properties);
    }

    public static MailgateInstance start(TestDatabase database, Map<String, String> properties) {
        return start(database, properties, freePort(), tempDir());
    }

    /** Starts on the given data directory: used to restart an instance on the data it left. */
    public static MailgateInstance start(TestDatabase database, Map<String, String> properties, int port, Path dataDir) {
        Map<String, String> all = new HashMap<>();
        all.put("mailgate.http.host", "127.0.0.1");
        all.put("mailgate.http.port", Integer.toString(port));
        all.put("mailgate.data-dir", dataDir.toString());
        int brokerPort = freePort();
        all.put("mailgate.broker.port", Integer.toString(brokerPort));
        all.put("mailgate.shutdown-timeout-seconds", "5");
        // Deferred mails come back within a fraction of a second, as often as they are looked for.
        all.put("mailgate.delivery.retry-schedule", "100ms,200ms,400ms");
        all.put("mailgate.delivery.poll-interval-ms", "100");
        // Tests write outboxes into their own temporary directories.
        all.put("mailgate.outbox.allowed-root", "/");
        // Every test runs from 127.0.0.1, many against one PostgreSQL: the abuse limits are tested on their own.
        all.put("mailgate.security.address-max-failures", "1000000");
        all.put("mailgate.privacy.verification-mails-per-identity", "1000000");
        all.putAll(database.properties());
        all.putAll(properties);

        Main main = MailgateApplication.newMain();
        all.forEach(main::addOverrideProperty);
        Thread runner = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "mailgate-" + port);
        runner.setDaemon(true);
        runner.start();
        MailgateInstance instance = new MailgateInstance(main, runner, port, dataDir,
                Integer.parseInt(all.get("mailgate.broker.port")));
        instance.awaitStarted();
        return instance;
    }

    public Api api() {
        return new Api("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path outbox() {
        return dataDir.resolve("outbox");
    }

    private void awaitStarted() {
        Waiter.until(Duration.ofSeconds(60), "Mailgate to start", () -> {
            if (!runner.isAlive()) {
                throw new IllegalStateException("Mailgate stopped while starting: see the test log");
            }
            return main.getCamelContext() != null && main.getCamelContext().isStarted();
        });
        // The port answers 503 until the last start-up listener has run, a moment after isStarted().
        Waiter.until(Duration.ofSeconds(30), "Mailgate to answer", () -> api().get("/mail/v1/health", null).status() != 503);
    }

    @Override
    public void close() {
        main.completed();
        try {
            runner.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new temporary directory, deleted when the test JVM exits: each instance's data directory holds a
     * database and a preallocated broker journal (hundreds of MB), and a suite run leaves dozens. A disk
     * filled past 90 % makes Artemis block its producers, which once hung ScaleOutIT.
     */
    public static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("mailgate-test-");
            TEMP_DIRS.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final java.util.List<Path> TEMP_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMP_DIRS.forEach(MailgateInstance::deleteQuietly),
                "mailgate-test-cleanup"));
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: the JVM is exiting
        }
    }
}
