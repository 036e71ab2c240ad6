package io.mailgate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The s3rver S3 emulator from npm (src/test/node), started on a free port with one bucket, for the
 * s3 storage destinations of access packages. Its one account has the keys S3RVER/S3RVER; it refuses
 * other keys, but does not check SigV4 signatures themselves.
 */
public final class S3Emulator implements AutoCloseable {

    public static final String ACCESS_KEY = "S3RVER";
    public static final String SECRET_KEY = "S3RVER";
    private static final Path CLI = Path.of("src/test/node/node_modules/s3rver/bin/s3rver.js");

    private final Process process;
    private final int port;
    private final Path directory;

    private S3Emulator(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    public static S3Emulator start(String bucket) {
        if (!Files.exists(CLI)) {
            throw new IllegalStateException("The S3 emulator is not installed: run src/test/node/install-peers (mvn verify does)");
        }
        int port = MailgateInstance.freePort();
        Path directory = MailgateInstance.tempDir();
        try {
            Process process = new ProcessBuilder("node", CLI.toString(), "-d", directory.toString(), "-a", "127.0.0.1",
                    "-p", Integer.toString(port), "--silent", "--no-vhost-buckets", "--configure-bucket", bucket)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Waiter.until(Duration.ofSeconds(30), "the S3 emulator to listen", () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The S3 emulator exited with " + process.exitValue());
                }
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            return new S3Emulator(process, port, directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the emulator keeps its objects (one directory per bucket). */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        process.destroy();
    }
}
