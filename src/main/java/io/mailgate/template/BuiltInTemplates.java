package io.mailgate.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.mailgate.template.language.Translations;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The privacy notices Mailgate ships (API.md §6), read once from
 * {@code templates/<name>/<LANGUAGE>/{subject,body,text}.hbs} and {@code templates/<name>/inputs.json}.
 * A stored template with the same name overrides a built-in one. They are compiled when first used;
 * {@code BuiltInTemplatesTest} checks every one of them compiles.
 */
public class BuiltInTemplates {

    public static final List<String> NAMES = List.of(
            "subject_identity_verification",
            "privacy_request_receipt",
            "privacy_request_review_approve",
            "privacy_request_review_deny",
            "privacy_request_complete_access",
            "privacy_request_complete_deletion",
            "email_erasure_fulfillment");
    public static final List<String> LANGUAGES = List.of("EN", "NL", "DE");
    private static final List<String> OUTPUTS = List.of("subject", "body", "text");

    /** name → language → template. */
    private final Map<String, Map<String, Template>> templates = new LinkedHashMap<>();

    public BuiltInTemplates(ObjectMapper mapper) {
        for (String name : NAMES) {
            Map<String, InputSchema> inputs = readInputs(mapper, name);
            Map<String, Template> byLanguage = new LinkedHashMap<>();
            for (String language : LANGUAGES) {
                Map<String, String> outputs = new LinkedHashMap<>();
                for (String output : OUTPUTS) {
                    read("templates/" + name + "/" + language + "/" + output + ".hbs").ifPresent(t -> outputs.put(output, t));
                }
                if (!outputs.isEmpty()) {
                    byLanguage.put(language, new Template(null, name, "Built-in privacy notice", inputs, outputs, 0, 0, language));
                }
            }
            if (!byLanguage.containsKey(Translations.FALLBACK_LANGUAGE)) {
                throw new IllegalStateException("Built-in template " + name + " has no EN version");
            }
            templates.put(name, byLanguage);
        }
    }

    /** The built-in template in the language, or in English when it has no such translation. */
    public Optional<Template> find(String name, String language) {
        Map<String, Template> byLanguage = templates.get(name);
        if (byLanguage == null) {
            return Optional.empty();
        }
        return Optional.of(byLanguage.getOrDefault(language, byLanguage.get(Translations.FALLBACK_LANGUAGE)));
    }

    private static Map<String, InputSchema> readInputs(ObjectMapper mapper, String name) {
        return read("templates/" + name + "/inputs.json").map(text -> {
            try {
                return InputSchema.parseAll(mapper.readTree(text));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).orElse(Map.of());
    }

    private static Optional<String> read(String resource) {
        try (InputStream in = BuiltInTemplates.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
