package io.mailgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The rules the route files keep (STYLE.md): where they are, how routes are named, what REST verbs do. */
class RouteFilesTest {

    private static final Path ROUTES = Path.of("src/main/resources/routes");
    private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    @Test
    void everyFeatureFolderIsLoaded() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        Set<String> patterns = Set.of(properties.getProperty("camel.main.routes-include-pattern").split(","));
        try (Stream<Path> folders = Files.list(ROUTES)) {
            for (Path folder : folders.filter(Files::isDirectory).toList()) {
                String pattern = "classpath:routes/" + folder.getFileName() + "/*.camel.yaml";
                assertTrue(patterns.contains(pattern), "application.properties does not load " + pattern);
            }
        }
    }

    @Test
    void everyRouteHasAKebabCaseIdAndADescriptionAndEveryRestVerbOnlyForwards() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Path file : files()) {
            assertTrue(file.getFileName().toString().endsWith(".camel.yaml"), file.toString());
            for (JsonNode entry : yaml.readTree(file.toFile())) {
                JsonNode route = entry.get("route");
                if (route != null) {
                    String id = route.path("id").asText();
                    if (!KEBAB.matcher(id).matches() || !ids.add(id)) {
                        problems.add(file + ": route id '" + id + "' is missing, not kebab-case or not unique");
                    }
                    if (route.path("description").asText().isBlank()) {
                        problems.add(file + ": route " + id + " has no description");
                    }
                }
                JsonNode rest = entry.get("rest");
                if (rest != null) {
                    for (String verb : List.of("get", "post", "put", "patch", "delete")) {
                        for (JsonNode operation : rest.path(verb)) {
                            if (!operation.path("to").asText().startsWith("direct:") || operation.size() > 3) {
                                problems.add(file + ": " + verb + " " + operation.path("path").asText("/")
                                        + " must only forward to a direct: route");
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
        assertFalse(ids.isEmpty());
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.walk(ROUTES)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
