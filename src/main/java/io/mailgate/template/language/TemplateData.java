package io.mailgate.template.language;

/**
 * The data variables of a rendering: {@code @inputs}, {@code @language}, {@code @time_zone} and
 * {@code @public_url} are the template's to read; the localizations sit under a name no template
 * can write ({@code #} does not parse in a path).
 */
public final class TemplateData {

    public static final String INPUTS = "inputs";
    public static final String LANGUAGE = "language";
    public static final String TIME_ZONE = "time_zone";
    public static final String PUBLIC_URL = "public_url";
    static final String TRANSLATIONS = "mailgate#translations";
    /** Whether the output is HTML: a block {@code {{#t}}} escapes its text itself. */
    static final String HTML = "mailgate#html";

    private TemplateData() {
    }
}
