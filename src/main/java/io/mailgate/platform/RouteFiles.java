package io.mailgate.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names the route files that {@code camel.main.routes-include-pattern} matches in Mailgate's own jar
 * (or classes directory), so that Camel loads each by its name. Given a pattern, Camel reads every
 * entry of the jar for each of the eleven patterns, twice per start (once for modelines, once for the
 * routes): half a second of a start on two cores. The jar's directory is read once here instead.
 * Patterns that are not {@code classpath:} globs, or that match nothing here, are passed on as they are.
 */
public final class RouteFiles {

    private RouteFiles() {
    }

    /** The patterns with each classpath glob replaced by the files it matches in {@code codeSource}. */
    public static String expand(String patterns, Path codeSource) {
        List<String> entries = null;
        StringJoiner expanded = new StringJoiner(",");
        for (String raw : patterns.split(",")) {
            String pattern = raw.trim();
            if (!pattern.startsWith("classpath:") || !pattern.contains("*")) {
                expanded.add(pattern);
                continue;
            }
            if (entries == null) {
                entries = entries(codeSource);
            }
            Pattern glob = glob(pattern.substring("classpath:".length()));
            List<String> matched = entries.stream().filter(entry -> glob.matcher(entry).matches()).sorted().toList();
            if (matched.isEmpty()) {
                expanded.add(pattern);
            } else {
                matched.forEach(entry -> expanded.add("classpath:" + entry));
            }
        }
        return expanded.toString();
    }

    /** Where this class was loaded from: the jar or the classes directory; null when it cannot be told. */
    public static Path codeSource() {
        try {
            var source = RouteFiles.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    private static List<String> entries(Path codeSource) {
        if (codeSource == null) {
            return List.of();
        }
        try {
            if (Files.isDirectory(codeSource)) {
                try (Stream<Path> files = Files.walk(codeSource)) {
                    return files.filter(Files::isRegularFile)
                            .map(file -> codeSource.relativize(file).toString().replace('\\', '/')).toList();
                }
            }
            if (Files.isRegularFile(codeSource)) {
                try (JarFile jar = new JarFile(codeSource.toFile())) {
                    List<String> names = new ArrayList<>();
                    Collections.list(jar.entries()).forEach(entry -> {
                        if (!entry.isDirectory()) {
                            names.add(entry.getName());
                        }
                    });
                    return names;
                }
            }
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the route files in " + codeSource, e);
        }
    }

    /** Ant-style: {@code **} any path, {@code *} any name within one folder, {@code ?} one character. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                i++;
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    i++;
                    regex.append("(?:.*/)?");
                } else {
                    regex.append(".*");
                }
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
