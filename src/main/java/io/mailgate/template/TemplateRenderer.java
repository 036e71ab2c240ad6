package io.mailgate.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Headers;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.template.language.JsValues;
import io.mailgate.template.language.TemplateLanguage;

/**
 * Renders v2 templates in {@link TemplateLanguage}: checks the inputs against their declarations,
 * then renders every output. {@code subject} and {@code text} are plain text; every other output is
 * HTML and escapes {@code {{…}}}. Compiled outputs are cached per template version.
 */
public class TemplateRenderer {

    public static final String SUBJECT_OUTPUT = "subject";
    private static final Set<String> PLAIN_OUTPUTS = Set.of(SUBJECT_OUTPUT, "text");
    private static final int CACHE_SIZE = 1000;

    private final TemplateLanguage language;
    private final String publicUrl;
    /** Compiled outputs by template version; old versions age out. */
    private final Map<String, Map<String, TemplateLanguage.Compiled>> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Map<String, TemplateLanguage.Compiled>> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    /** @param publicUrl where mail clients reach this gateway, for tracking pixels ({{@public_url}}) */
    public TemplateRenderer(TemplateLanguage language, String publicUrl) {
        this.language = language;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /**
     * Compiles and checks every output, refusing a syntax error or a wrong helper call (1004), and
     * answers the localization keys the outputs name.
     */
    public Set<String> check(Map<String, String> outputs) {
        Set<String> keys = new LinkedHashSet<>();
        compile(outputs).values().forEach(compiled -> keys.addAll(compiled.localizationKeys()));
        return keys;
    }

    /** One rendered string per output. */
    public Map<String, String> render(Template template, Localized localized, String lang, String timeZone, JsonNode inputs) {
        return render(template, cache.computeIfAbsent(template.cacheKey(), key -> compile(template.outputs())), localized, lang,
                timeZone, inputs);
    }

    /** The same for a template being edited: compiled for this rendering only, never cached. */
    public Map<String, String> renderDraft(Template template, Localized localized, String lang, String timeZone, JsonNode inputs) {
        return render(template, compile(template.outputs()), localized, lang, timeZone, inputs);
    }

    private Map<String, String> render(Template template, Map<String, TemplateLanguage.Compiled> compiled, Localized localized,
                                       String lang, String timeZone, JsonNode inputs) {
        InputSchema.validateAll(template.inputs(), inputs);
        Object model = JsValues.fromJson(inputs);
        TemplateLanguage.Rendering rendering = new TemplateLanguage.Rendering(lang, timeZone == null ? "UTC" : timeZone,
                publicUrl, localized);
        Map<String, String> rendered = new LinkedHashMap<>();
        compiled.forEach((output, source) -> rendered.put(output, language.render(source, model, rendering)));
        String subject = rendered.get(SUBJECT_OUTPUT);
        if (subject != null && Headers.hasControlCharacters(subject)) {
            throw new ApiException(ErrorCode.TEMPLATE_RESOLVING, "The rendered subject contains a line break or control character",
                    Map.of("resolveError", Map.of("output", SUBJECT_OUTPUT, "message", "line break or control character")),
                    java.util.List.of("body", "outputs", SUBJECT_OUTPUT));
        }
        return rendered;
    }

    private Map<String, TemplateLanguage.Compiled> compile(Map<String, String> outputs) {
        Map<String, TemplateLanguage.Compiled> compiled = new LinkedHashMap<>();
        outputs.forEach((output, source) -> compiled.put(output, language.compile(output, source, !PLAIN_OUTPUTS.contains(output))));
        return compiled;
    }
}
