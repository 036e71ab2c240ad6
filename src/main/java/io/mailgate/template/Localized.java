package io.mailgate.template;

import java.util.Map;
import java.util.Optional;

/** The texts of the localization keys one rendering may need: key → (language → text). */
public record Localized(Map<String, Map<String, String>> texts) {

    public static final String FALLBACK_LANGUAGE = "EN";

    public Localized {
        texts = Map.copyOf(texts);
    }

    /** The text in the language, else in English; empty when the key is unknown. */
    public Optional<String> text(String key, String language) {
        Map<String, String> byLanguage = texts.get(key);
        if (byLanguage == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byLanguage.getOrDefault(language, byLanguage.get(FALLBACK_LANGUAGE)));
    }
}
