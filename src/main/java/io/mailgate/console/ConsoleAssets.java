package io.mailgate.console;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * The console's files, every one in the jar (no CDN: the machines it runs on may have no internet):
 * {@code console/} on the classpath, read once and kept. Only plain file names are served.
 */
public class ConsoleAssets {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,60}\\.(html|js|css|svg|png|ico)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** The file's bytes; 404 for anything else. {@code null} or empty: the console's page. */
    public byte[] bytes(String name) {
        String file = name == null || name.isEmpty() ? "index.html" : name;
        if (!NAME.matcher(file).matches()) {
            throw unknown();
        }
        byte[] bytes = cache.computeIfAbsent(file, ConsoleAssets::read);
        if (bytes.length == 0) {
            throw unknown();
        }
        return bytes;
    }

    public String type(String name) {
        String file = name == null || name.isEmpty() ? "index.html" : name;
        return TYPES.getOrDefault(file.substring(file.lastIndexOf('.') + 1), "application/octet-stream");
    }

    private static byte[] read(String file) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream("console/" + file)) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static ApiException unknown() {
        return new ApiException(ErrorCode.RESOURCE_UNKNOWN, "No such console file");
    }
}
