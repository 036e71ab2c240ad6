package io.mailgate.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgate.template.language.TemplateLanguage;

/** The shipped privacy notices are compiled on first use, not at start: this is where a broken one is caught. */
class BuiltInTemplatesTest {

    private final TemplateRenderer renderer = new TemplateRenderer(new TemplateLanguage(), "http://localhost");
    private final BuiltInTemplates builtIn = new BuiltInTemplates(new ObjectMapper());

    @Test
    void everyBuiltInTemplateCompilesInEveryLanguageItShips() {
        int checked = 0;
        for (String name : BuiltInTemplates.NAMES) {
            Template english = builtIn.find(name, "EN").orElseThrow();
            assertEquals("EN", english.language(), name);
            for (String language : BuiltInTemplates.LANGUAGES) {
                Template template = builtIn.find(name, language).orElseThrow();
                assertTrue(template.outputs().containsKey("subject"), name + " " + language + " has no subject");
                renderer.check(template.outputs());
                checked++;
            }
        }
        assertEquals(BuiltInTemplates.NAMES.size() * BuiltInTemplates.LANGUAGES.size(), checked);
    }

    @Test
    void theCheckRefusesABrokenTemplate() {
        assertThrows(RuntimeException.class, () -> renderer.check(Map.of("subject", "{{#if x}}open")));
    }
}
