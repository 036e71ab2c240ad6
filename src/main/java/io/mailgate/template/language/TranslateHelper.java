package io.mailgate.template.language;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Options;
import com.ibm.icu.text.PluralRules;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * {@code {{t 'key' name=value}}}: a localization in the rendering's language (English when it has no
 * text in that language), with i18next's named arguments: {@code {{name}}} in the text is the
 * argument's value, and a numeric {@code count} picks the plural form {@code key_one},
 * {@code key_other} … when the key has one. The older block form {@code {{#t}}key{{/t}}} still works.
 * An unknown key is a 1002, never an empty string.
 */
final class TranslateHelper implements Helper<Object> {

    static final String NAME = "t";
    private static final Pattern ARGUMENT = Pattern.compile("\\{\\{-?\\s*([^}\\s,]+)\\s*(,[^}]*)?}}");

    static void addTo(HelperCatalog catalog) {
        catalog.add(NAME, new Signature(Signature.Call.of(1, 1).withOptions(Signature.ANY), Signature.Call.of(0, 0)),
                new TranslateHelper());
    }

    @Override
    public Object apply(Object context, Options options) throws java.io.IOException {
        Translations translations = options.data(TemplateData.TRANSLATIONS);
        String language = options.data(TemplateData.LANGUAGE);
        if (options.tagType.inline()) {
            return translate(translations, JsValues.toText(context), language, options.hash);
        }
        String text = translate(translations, options.fn().toString().trim(), language, Map.of());
        return Boolean.TRUE.equals(options.data(TemplateData.HTML)) ? EscapingStrategy.HTML_ENTITY.escape(text) : text;
    }

    static String translate(Translations translations, String key, String language, Map<String, Object> arguments) {
        Optional<String> text = Optional.empty();
        Object count = arguments.get("count");
        if (count instanceof Number number) {
            String category = PluralRules.forLocale(com.ibm.icu.util.ULocale.forLanguageTag(
                    language.toLowerCase(java.util.Locale.ROOT))).select(number.doubleValue());
            text = translations.text(key + "_" + category, language);
        }
        if (text.isEmpty()) {
            text = translations.text(key, language);
        }
        String found = text.orElseThrow(() -> new ApiException(ErrorCode.LOCALIZATION_UNKNOWN,
                "Localization " + key + " is unknown", Map.of("key", key), java.util.List.of()));
        if (found.indexOf("{{") < 0) {
            return found;
        }
        Matcher matcher = ARGUMENT.matcher(found);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            Object value = arguments.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : JsValues.toText(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
