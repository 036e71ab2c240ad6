package io.mailgate.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailgate.mail.Headers;

/** A directory of .eml files (kamelet outbox-sink), like a pickup directory: nothing leaves the machine. */
final class OutboxType implements ProviderType {

    @Override
    public String serviceType() {
        return "outbox";
    }

    @Override
    public String kamelet() {
        return "outbox-sink";
    }

    @Override
    public List<String> secretFields() {
        return List.of();
    }

    /**
     * Where outbox directories may be: under this directory (mailgate.outbox.allowed-root, by default the
     * data directory), so that an API client cannot make the gateway write files anywhere it can.
     */
    private static volatile java.nio.file.Path allowedRoot = java.nio.file.Path.of("data").toAbsolutePath().normalize();

    static void allowUnder(java.nio.file.Path root) {
        allowedRoot = root.toAbsolutePath().normalize();
    }

    @Override
    public Map<String, Object> details(ConfigDetails in) {
        in.allow("directory");
        String directory = in.text("directory");
        if (directory.isBlank() || directory.length() > 1024 || Headers.hasControlCharacters(directory)) {
            throw in.invalid("directory", "directory must be a path");
        }
        java.nio.file.Path path;
        try {
            path = java.nio.file.Path.of(directory);
        } catch (java.nio.file.InvalidPathException e) {
            throw in.invalid("directory", "directory must be a path");
        }
        boolean dotSegments = false;
        for (java.nio.file.Path part : path) {
            dotSegments |= part.toString().equals("..") || part.toString().equals(".");
        }
        java.nio.file.Path resolved = allowedRoot.resolve(path).normalize();
        if (dotSegments || !resolved.startsWith(allowedRoot)) {
            throw in.invalid("directory", "directory must be under " + allowedRoot + " (mailgate.outbox.allowed-root), "
                    + "without . or .. segments");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("directory", directory);
        return out;
    }

    @Override
    public Map<String, String> kameletParameters(Map<String, Object> details, Map<String, String> secrets) {
        return Map.of("directory", allowedRoot.resolve(String.valueOf(details.get("directory"))).normalize().toString());
    }
}
