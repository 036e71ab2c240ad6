package io.mailgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.MailgateProcess;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.Waiter;

/** Mailgate as a process: it stops promptly with a non-zero code when it cannot start. */
class StartupIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(30);

    @Test
    void aTakenPortStopsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Result result = run(Map.of("MAILGATE_HTTP_PORT", Integer.toString(taken.getLocalPort())));
            assertNotEquals(0, result.code(), result.output());
            assertTrue(result.output().contains("Cannot listen on"), result.output());
        }
    }

    @Test
    void badConfigurationStopsTheStart() throws Exception {
        Result result = run(Map.of("MAILGATE_SMTP_SECURITY", "sometimes"));
        assertNotEquals(0, result.code(), result.output());
        assertTrue(result.output().contains("mailgate.smtp.security must be none, starttls or tls"), result.output());
        Result port = run(Map.of("MAILGATE_HTTP_PORT", "eighty"));
        assertNotEquals(0, port.code(), port.output());
    }

    @Test
    void anUnreachableDatabaseStopsTheStart() throws Exception {
        int closed = MailgateInstance.freePort();
        Result result = run(Map.of("MAILGATE_DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/mailgate",
                "MAILGATE_DB_USER", "nobody", "MAILGATE_DB_PASSWORD", "secret-password"));
        assertNotEquals(0, result.code(), result.output());
        assertTrue(!result.output().contains("secret-password"), "the password is never logged");
    }

    @Test
    void mailsSurviveARestartOnTheSameDataDirectory() {
        Path dataDir = MailgateInstance.tempDir();
        int port = MailgateInstance.freePort();
        String id;
        try (MailgateInstance first = MailgateInstance.start(TestDatabase.H2, Map.of(), port, dataDir)) {
            Api api = first.api();
            id = api.postJson("/mail/v1/", api.rootToken(), Map.of("recipients", Map.of("to", List.of("a@example.com")),
                    "subject", "Durable", "body", "x")).json().get("id").asText();
        }
        try (MailgateInstance second = MailgateInstance.start(TestDatabase.H2, Map.of(), port, dataDir)) {
            Api api = second.api();
            var data = api.get("/mail/v1/?eq(id," + id + ")", api.rootToken()).json().get("data");
            assertEquals(1, data.size());
            assertEquals("Durable", data.get(0).get("subject").asText());
        }
    }

    /**
     * The packaged jar finds every flow: Camel scans a jar differently from a classes directory (a
     * routes/**-style pattern loses the subfolder there), and the other tests run from the classes.
     */
    @Test
    void thePackagedJarStartsWithTheFlowsOfEveryFeature() throws Exception {
        Path dataDir = MailgateInstance.tempDir();
        MailgateProcess jar = MailgateProcess.startJar(MailgateProcess.environment(dataDir, MailgateInstance.freePort(), Map.of(
                "MAILGATE_SMTP_HOST", "")), dataDir.resolve("mailgate.log"));
        try {
            Api api = jar.api();
            assertEquals(200, api.get("/mail/v1/health", null).status());
            for (String path : List.of("/mail/v1/", "/templates/v2/", "/localizations/v1/", "/api/v1/email/config",
                    "/api/v1/connection", "/api/v1/policy", "/api/v1/privacy-request", "/api/v1/dead-letters")) {
                assertEquals(401, api.get(path, null).status(), path + " is served and asks for a token");
            }
            String token = api.rootToken();
            String id = api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("jar@example.com")),
                    "subject", "From the jar", "body", "x")).json().get("id").asText();
            Waiter.until(Duration.ofSeconds(30), "the mail in the outbox", () -> Files.exists(dataDir.resolve("outbox")
                    .resolve(id + ".eml")));
        } finally {
            jar.terminate(Duration.ofSeconds(20));
        }
    }

    /**
     * The HTTP server listens before the routes are added: until every route runs, every path answers
     * 503 with a JSON error and Retry-After, never 404 or 405 (clients and SDKs treat those as final) —
     * on the first start and on a restart.
     */
    @Test
    void whileStartingEveryPathAnswers503NeverNotFound() throws Exception {
        Path dataDir = MailgateInstance.tempDir();
        Map<String, String> environment = MailgateProcess.environment(dataDir, MailgateInstance.freePort(),
                Map.of("MAILGATE_SMTP_HOST", ""));
        Path log = dataDir.resolve("mailgate.log");
        for (int start = 1; start <= 2; start++) {
            java.util.concurrent.CompletableFuture<MailgateProcess> starting =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> MailgateProcess.start(environment, log));
            Api api = new Api("http://127.0.0.1:" + environment.get("MAILGATE_HTTP_PORT"));
            List<String> early = new ArrayList<>();
            int unavailable = 0;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                Api.Response answer;
                try {
                    answer = api.send(api.request(start == 1 ? "/mail/v1/" : "/api/v1/email/config", null).GET());
                } catch (java.io.UncheckedIOException notListening) {
                    Thread.sleep(5);
                    continue;
                }
                if (answer.status() == 401) {
                    break;
                }
                String retryAfter = answer.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Retry-After"))
                        .map(h -> h.getValue().get(0)).findFirst().orElse(null);
                early.add(answer.status() + " " + retryAfter + " " + answer.body());
                if (answer.status() == 503 && retryAfter != null && answer.body().contains("\"message\"")
                        && answer.body().contains("starting")) {
                    unavailable++;
                }
            }
            MailgateProcess mailgate = starting.get(60, TimeUnit.SECONDS);
            try {
                assertEquals(early.size(), unavailable, "start " + start + ": every early answer is a JSON 503 with Retry-After: "
                        + early);
                assertTrue(unavailable > 0, "start " + start + ": the port listened before the routes ran and said so");
            } finally {
                mailgate.terminate(Duration.ofSeconds(20));
            }
        }
    }

    private static Result run(Map<String, String> environment) throws IOException, InterruptedException {
        Path dataDir = MailgateInstance.tempDir();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MailgateApplication.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MAILGATE_DATA_DIR", dataDir.toString());
        builder.environment().put("MAILGATE_HTTP_HOST", "127.0.0.1");
        builder.environment().putIfAbsent("MAILGATE_HTTP_PORT", Integer.toString(MailgateInstance.freePort()));
        builder.environment().putIfAbsent("MAILGATE_BROKER_PORT", Integer.toString(MailgateInstance.freePort()));
        builder.environment().putAll(environment);
        Path log = Files.createTempFile("mailgate-start", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        boolean exited = process.waitFor(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(exited, "Mailgate did not stop within " + PROMPTLY + ":\n" + output);
        return new Result(process.exitValue(), output);
    }

    private record Result(int code, String output) {
    }
}
