package io.mailgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mailgate.MailgateApplication;

/** Mailgate as its own operating-system process, for tests that kill it or stop it with a signal. */
public final class MailgateProcess {

    private final Process process;
    private final Path log;
    private final int httpPort;

    private MailgateProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Starts java -cp <this classpath> MailgateApplication with the environment, and waits until it listens. */
    public static MailgateProcess start(Map<String, String> environment, Path log) {
        return start(List.of("-cp", System.getProperty("java.class.path"), MailgateApplication.class.getName()),
                environment, log);
    }

    /** Starts the packaged jar the way users do, {@code java -jar target/mailgate.jar}, and waits until it listens. */
    public static MailgateProcess startJar(Map<String, String> environment, Path log) {
        Path jar = Path.of("target", "mailgate.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: the behaviour tests run after mvn package");
        }
        return start(List.of("-jar", jar.toString()), environment, log);
    }

    /** The same, with these JVM options instead of the tests' -Xmx512m: e.g. the ones bin/mailgate ships. */
    public static MailgateProcess startWithJvmOptions(List<String> jvmOptions, Map<String, String> environment, Path log) {
        List<String> what = new ArrayList<>(jvmOptions);
        what.addAll(List.of("-cp", System.getProperty("java.class.path"), MailgateApplication.class.getName()));
        return start(what, environment, log, List.of());
    }

    private static MailgateProcess start(List<String> what, Map<String, String> environment, Path log) {
        return start(what, environment, log, List.of("-Xmx512m"));
    }

    private static MailgateProcess start(List<String> what, Map<String, String> environment, Path log, List<String> heap) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(heap);
        command.addAll(what);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            long before = Files.exists(log) ? Files.size(log) : 0;
            Process process = builder.start();
            MailgateProcess started = new MailgateProcess(process, log, Integer.parseInt(environment.get("MAILGATE_HTTP_PORT")));
            Waiter.until(Duration.ofSeconds(60), "Mailgate to listen", () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Mailgate exited with " + process.exitValue() + ":\n" + started.logSince(before));
                }
                return started.logSince(before).contains("Mailgate is listening");
            });
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Api api() {
        return new Api("http://127.0.0.1:" + httpPort);
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, then the exit code, or -1 when it did not exit in time (it is killed then). */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly().waitFor();
        return -1;
    }

    public static Map<String, String> environment(Path dataDir, int smtpPort, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("MAILGATE_HTTP_HOST", "127.0.0.1");
        env.put("MAILGATE_HTTP_PORT", Integer.toString(MailgateInstance.freePort()));
        env.put("MAILGATE_BROKER_PORT", Integer.toString(MailgateInstance.freePort()));
        env.put("MAILGATE_DATA_DIR", dataDir.toString());
        env.put("MAILGATE_SMTP_HOST", "127.0.0.1");
        env.put("MAILGATE_SMTP_PORT", Integer.toString(smtpPort));
        env.put("MAILGATE_SHUTDOWN_TIMEOUT_SECONDS", "10");
        env.putAll(extra);
        return env;
    }

    private String logSince(long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        return new String(bytes, (int) Math.min(offset, bytes.length), (int) Math.max(0, bytes.length - offset),
                StandardCharsets.UTF_8);
    }
}
