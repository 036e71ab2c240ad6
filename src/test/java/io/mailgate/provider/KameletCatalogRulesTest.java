package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Every kamelet in kamelets/ keeps the rules the Apache Camel kamelet catalog's validator enforces, so
 * that ours load in Kaoto, Karavan and camel-jbang like the catalog's own: name and file, type label and
 * suffix, title, a complete property schema, parameters declared exactly where used, credentials marked,
 * no deprecated descriptors, dependencies for every component used.
 */
class KameletCatalogRulesTest {

    private static final Path KAMELETS = Path.of("kamelets");
    private static final Pattern PARAMETER = Pattern.compile("\\{\\{\\??([A-Za-z0-9-._]+)(?::[^}]*)?}}");
    private static final Set<String> TYPES = Set.of("source", "sink", "action");
    private static final String CREDENTIALS = "urn:camel:group:credentials";
    /** Words a title may leave in lower case, as the catalog's English stop-word filter does. */
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "as", "at", "by", "for", "from", "in", "into",
            "of", "on", "or", "per", "the", "to", "with");
    /** Data formats whose marshal/unmarshal needs a component of another name. */
    private static final Map<String, String> DATA_FORMATS = Map.of("json", "camel:jackson");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    @Test
    void everyKameletKeepsTheCatalogRules() throws IOException {
        List<Path> files = kamelets();
        assertFalse(files.isEmpty(), "no kamelets found in " + KAMELETS.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        Set<String> titles = new HashSet<>();
        Set<String> descriptions = new HashSet<>();
        for (Path file : files) {
            JsonNode kamelet = yaml.readTree(file.toFile());
            String name = kamelet.path("metadata").path("name").asText();
            Rules rules = new Rules(name, violations);
            rules.check(kamelet, file);
            JsonNode definition = kamelet.path("spec").path("definition");
            rules.unique("title", definition.path("title").asText(), titles);
            rules.unique("description", definition.path("description").asText(), descriptions);
        }
        assertEquals(List.of(), violations, String.join("\n", violations));
    }

    @Test
    void theRulesCatchWhatTheyAreAbout() throws IOException {
        JsonNode broken = yaml.readTree("""
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: mailjet
                  labels: {camel.apache.org/kamelet.type: sink}
                spec:
                  definition:
                    title: Mailjet
                    type: object
                    required: [apiKey, region]
                    properties:
                      apiKey:
                        title: the key
                        description: A key
                        type: string
                        format: password
                        x-descriptors: [urn:alm:descriptor:com.tectonic.ui:password]
                      unused: {title: Unused, description: Never used, type: string}
                  dependencies: [camel:kamelet]
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - to: {uri: "https://api.mailjet.com/{{apiKey}}/{{secret}}"}
                """);
        List<String> violations = new ArrayList<>();
        new Rules("mailjet", violations).check(broken, Path.of("kamelets/mailjet-sink.kamelet.yaml"));
        String all = String.join("\n", violations);
        for (String expected : List.of("does not match the file name", "should end with \"-sink\"", "should end with \"Sink\"",
                "has no description", "required property \"region\" is not defined", "\"apiKey\" has a title starting with",
                "\"apiKey\" has a lower-case word", "\"apiKey\" has format password but lacks " + CREDENTIALS,
                "\"apiKey\" uses the deprecated descriptor", "\"unused\" is declared but never used",
                "\"secret\" is used but not declared", "needs dependency \"camel:http\"", "has no camel.apache.org/kamelet.icon")) {
            assertFalse(violations.stream().noneMatch(v -> v.contains(expected)), "expected a violation containing: " + expected
                    + "\nfound:\n" + all);
        }
    }

    private static List<Path> kamelets() throws IOException {
        try (Stream<Path> files = Files.list(KAMELETS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** The rules for one kamelet; each broken rule adds one line to the violations. */
    private record Rules(String name, List<String> violations) {

        void check(JsonNode kamelet, Path file) {
            String fileName = file.getFileName().toString();
            if (!fileName.equals(name + ".kamelet.yaml")) {
                fail("its name \"" + name + "\" does not match the file name " + fileName);
            }
            if (!"Kamelet".equals(kamelet.path("kind").asText()) || !"camel.apache.org/v1".equals(kamelet.path("apiVersion").asText())) {
                fail("is not a camel.apache.org/v1 Kamelet");
            }
            String type = kamelet.path("metadata").path("labels").path("camel.apache.org/kamelet.type").asText();
            if (!TYPES.contains(type)) {
                fail("has kamelet.type label \"" + type + "\", not one of " + TYPES);
            } else if (!name.endsWith("-" + type)) {
                fail("is a " + type + ", so its name should end with \"-" + type + "\"");
            }
            JsonNode annotations = kamelet.path("metadata").path("annotations");
            for (String annotation : List.of("camel.apache.org/kamelet.icon", "camel.apache.org/catalog.version",
                    "camel.apache.org/provider")) {
                if (annotations.path(annotation).asText().isBlank()) {
                    fail("has no " + annotation + " annotation");
                }
            }
            JsonNode spec = kamelet.path("spec");
            JsonNode definition = spec.path("definition");
            JsonNode template = spec.path("template");
            if (definition.isMissingNode() || template.isMissingNode()) {
                fail("needs both spec.definition and spec.template");
                return;
            }
            definition(definition, type);
            parameters(definition, template);
            dependencies(spec, template);
        }

        private void definition(JsonNode definition, String type) {
            String title = definition.path("title").asText();
            if (title.isBlank()) {
                fail("has no title");
            } else if (TYPES.contains(type) && !title.endsWith(Character.toUpperCase(type.charAt(0)) + type.substring(1))) {
                fail("title \"" + title + "\" should end with \"" + Character.toUpperCase(type.charAt(0)) + type.substring(1) + "\"");
            }
            if (definition.path("description").asText().isBlank()) {
                fail("has no description");
            }
            if (!"object".equals(definition.path("type").asText())) {
                fail("definition must be of type \"object\"");
            }
            JsonNode properties = definition.path("properties");
            Set<String> required = new HashSet<>();
            for (JsonNode requiredName : definition.path("required")) {
                if (!required.add(requiredName.asText())) {
                    fail("lists required property \"" + requiredName.asText() + "\" twice");
                }
                if (!properties.has(requiredName.asText())) {
                    fail("required property \"" + requiredName.asText() + "\" is not defined");
                }
            }
            properties.fields().forEachRemaining(entry -> property(entry.getKey(), entry.getValue()));
        }

        private void property(String key, JsonNode property) {
            String title = property.path("title").asText();
            for (String field : List.of("type", "title", "description")) {
                if (property.path(field).asText().isBlank()) {
                    fail("property \"" + key + "\" has no " + field);
                }
            }
            for (String article : List.of("The ", "A ", "An ", "the ", "a ", "an ")) {
                if (title.startsWith(article)) {
                    fail("property \"" + key + "\" has a title starting with \"" + article.trim() + "\"");
                }
            }
            for (String word : title.split(" ")) {
                if (!word.isEmpty() && !STOP_WORDS.contains(word.toLowerCase()) && Character.isLowerCase(word.charAt(0))) {
                    fail("property \"" + key + "\" has a lower-case word in its title: \"" + word + "\"");
                }
            }
            Set<String> descriptors = new HashSet<>();
            property.path("x-descriptors").forEach(d -> descriptors.add(d.asText()));
            if ("password".equals(property.path("format").asText()) && !descriptors.contains(CREDENTIALS)) {
                fail("property \"" + key + "\" has format password but lacks " + CREDENTIALS);
            }
            descriptors.stream().filter(d -> d.startsWith("urn:alm:descriptor:"))
                    .forEach(d -> fail("property \"" + key + "\" uses the deprecated descriptor " + d));
        }

        private void parameters(JsonNode definition, JsonNode template) {
            Set<String> declared = new TreeSet<>();
            definition.path("properties").fieldNames().forEachRemaining(declared::add);
            template.path("beans").forEach(bean -> declared.add(bean.path("name").asText()));
            Set<String> used = new TreeSet<>();
            strings(template).forEach(text -> {
                Matcher m = PARAMETER.matcher(text);
                while (m.find()) {
                    used.add(m.group(1));
                }
            });
            used.stream().filter(p -> !declared.contains(p)).forEach(p -> fail("parameter \"" + p + "\" is used but not declared"));
            declared.stream().filter(p -> !used.contains(p)).forEach(p -> fail("parameter \"" + p + "\" is declared but never used"));
        }

        /** Each component a URI names and each data format needs its camel:&lt;name&gt; dependency. */
        private void dependencies(JsonNode spec, JsonNode template) {
            Set<String> declared = new HashSet<>();
            spec.path("dependencies").forEach(d -> declared.add(d.asText()));
            Set<String> needed = new TreeSet<>();
            visit(template, (key, value) -> {
                if (key.equals("uri") && value.isTextual()) {
                    String uri = value.asText();
                    int colon = uri.indexOf(':');
                    // a URI whose scheme is a parameter is only known at run time
                    if (colon > 0 && !uri.startsWith("{{")) {
                        needed.add(componentDependency(uri.substring(0, colon)));
                    }
                }
                if ((key.equals("marshal") || key.equals("unmarshal")) && value.isObject()) {
                    value.fieldNames().forEachRemaining(format -> needed.add(DATA_FORMATS.getOrDefault(format, "camel:" + format)));
                }
            });
            needed.stream().filter(d -> !declared.contains(d)).forEach(d -> fail("needs dependency \"" + d + "\""));
        }

        /** camel:&lt;artifact&gt; of the component behind a URI scheme (smtp is camel-mail), from Camel's own metadata. */
        private static String componentDependency(String scheme) {
            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                String schema = camel.getComponentParameterJsonSchema(scheme);
                if (schema == null) {
                    return "camel:" + scheme;
                }
                return "camel:" + JSON.readTree(schema).path("component").path("artifactId").asText().replaceFirst("^camel-", "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void unique(String what, String value, Set<String> seen) {
            if (!seen.add(value)) {
                fail("has the same " + what + " as another kamelet");
            }
        }

        private void fail(String violation) {
            violations.add("kamelet " + name + ": " + violation);
        }

        private static List<String> strings(JsonNode node) {
            List<String> texts = new ArrayList<>();
            visit(node, (key, value) -> {
                if (value.isTextual()) {
                    texts.add(value.asText());
                }
            });
            if (node.isTextual()) {
                texts.add(node.asText());
            }
            return texts;
        }

        private static void visit(JsonNode node, java.util.function.BiConsumer<String, JsonNode> visitor) {
            if (node.isObject()) {
                Map<String, JsonNode> children = new HashMap<>();
                node.fields().forEachRemaining(e -> children.put(e.getKey(), e.getValue()));
                children.forEach((key, child) -> {
                    visitor.accept(key, child);
                    visit(child, visitor);
                });
            } else if (node.isArray()) {
                node.forEach(child -> {
                    visitor.accept("", child);
                    visit(child, visitor);
                });
            }
        }
    }
}
