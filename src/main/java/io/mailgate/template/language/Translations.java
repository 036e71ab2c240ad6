package io.mailgate.template.language;

import java.util.Optional;

/** The localization texts a rendering may use: a key's text in a language, else in English. */
public interface Translations {

    String FALLBACK_LANGUAGE = "EN";

    /** The key's text in the language, else in English; empty when the key is unknown. */
    Optional<String> text(String key, String language);
}
