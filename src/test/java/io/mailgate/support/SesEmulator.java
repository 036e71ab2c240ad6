package io.mailgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The aws-ses-v2-local emulator from npm, installed into src/test/node by .ci/run
 * ({@code npm ci --prefix src/test/node}), started on a free port for a test class.
 */
public final class SesEmulator implements AutoCloseable {

    private static final Path CLI = Path.of("src/test/node/node_modules/aws-ses-v2-local/dist/cli.js");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private SesEmulator(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SesEmulator start() {
        if (!Files.exists(CLI)) {
            throw new IllegalStateException("The SES emulator is not installed: run npm ci --prefix src/test/node "
                    + "(.ci/run does)");
        }
        int port = MailgateInstance.freePort();
        try {
            Process process = new ProcessBuilder("node", CLI.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            SesEmulator emulator = new SesEmulator(process, port);
            Waiter.until(Duration.ofSeconds(30), "the SES emulator to listen", () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The SES emulator exited with " + process.exitValue());
                }
                try {
                    return emulator.store().has("emails");
                } catch (UncheckedIOException e) {
                    return false;
                }
            });
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public JsonNode store() {
        return Api.JSON.valueToTree(parse(call(HttpRequest.newBuilder(URI.create(endpoint() + "/store")).GET())));
    }

    public void clear() {
        call(HttpRequest.newBuilder(URI.create(endpoint() + "/clear-store")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static String call(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return Api.JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
