package io.mailgate.template.v1;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Headers;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.template.LocalizationStore;
import io.mailgate.template.language.JsValues;
import io.mailgate.template.language.Translations;

/** Renders v1 templates: checks the content against the schema, then fills every field. */
public class V1Templates {

    private static final int CACHE_SIZE = 1000;

    private final V1TemplateStore store;
    private final LocalizationStore localizations;
    /** Parsed fields by template version; old versions age out. */
    private final Map<String, Map<String, V1Text>> parsed = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, V1Text>> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    public V1Templates(V1TemplateStore store, LocalizationStore localizations) {
        this.store = store;
        this.localizations = localizations;
    }

    public V1TemplateStore store() {
        return store;
    }

    /** Parses every field, refusing what is not the documented subset (1004 naming the field). */
    public static Map<String, V1Text> parse(Map<String, String> fields) {
        Map<String, V1Text> texts = new LinkedHashMap<>();
        fields.forEach((name, source) -> texts.put(name, V1Text.parse(name, source)));
        return texts;
    }

    /** One rendered string per field. */
    public Map<String, String> render(V1Template template, String language, JsonNode content) {
        template.schema().validateContent(content);
        Map<String, V1Text> fields = parsed.computeIfAbsent(template.cacheKey(), key -> parse(template.fields()));
        Set<String> keys = new LinkedHashSet<>();
        fields.values().forEach(field -> keys.addAll(field.localizationKeys()));
        Map<String, Map<String, String>> texts = localizations.texts(keys);
        String lang = language == null ? Translations.FALLBACK_LANGUAGE : language;
        V1Text.Scope scope = key -> {
            Map<String, String> byLanguage = texts.get(key);
            String text = byLanguage == null ? null : byLanguage.getOrDefault(lang, byLanguage.get(Translations.FALLBACK_LANGUAGE));
            if (text == null) {
                throw new ApiException(ErrorCode.LOCALIZATION_UNKNOWN, "Not all localizations can be resolved: " + key + " is unknown",
                        Map.of("key", key), List.of());
            }
            return text;
        };
        Object model = JsValues.fromJson(content);
        Map<String, String> rendered = new LinkedHashMap<>();
        fields.forEach((name, field) -> rendered.put(name, field.render(model, scope)));
        String subject = rendered.get("subject");
        if (subject != null && Headers.hasControlCharacters(subject)) {
            throw new ApiException(ErrorCode.TEMPLATE_RESOLVING, "The rendered subject contains a line break or control character",
                    Map.of("resolveError", Map.of("output", "subject", "message", "line break or control character")),
                    List.of("body", "fields", "subject"));
        }
        return rendered;
    }
}
