package io.mailgate.template;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.mailgate.template.language.Translations;

/**
 * The localization texts one rendering may use: key → (language → text). The keys a template names
 * literally come with it (one query); a key computed while rendering ({@code {{t @inputs.key}}}) is
 * looked up when first needed.
 */
public final class Localized implements Translations {

    private final Map<String, Map<String, String>> texts;
    private final Function<String, Optional<Map<String, String>>> lookUp;
    private final Map<String, Optional<Map<String, String>>> looked = new ConcurrentHashMap<>();

    public Localized(Map<String, Map<String, String>> texts, Function<String, Optional<Map<String, String>>> lookUp) {
        this.texts = Map.copyOf(texts);
        this.lookUp = lookUp;
    }

    public static Localized none() {
        return new Localized(Map.of(), key -> Optional.empty());
    }

    @Override
    public Optional<String> text(String key, String language) {
        Map<String, String> byLanguage = texts.get(key);
        if (byLanguage == null) {
            byLanguage = looked.computeIfAbsent(key, lookUp).orElse(null);
        }
        if (byLanguage == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byLanguage.getOrDefault(language, byLanguage.get(FALLBACK_LANGUAGE)));
    }
}
