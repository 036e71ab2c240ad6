package io.mailgate.template;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.template.language.Translations;

/** Finds a template (stored first, then built-in) and renders it: what a template mail and /resolve share. */
public class Templates {

    private final TemplateStore store;
    private final BuiltInTemplates builtIns;
    private final TemplateRenderer renderer;
    private final LocalizationStore localizations;

    public Templates(TemplateStore store, BuiltInTemplates builtIns, TemplateRenderer renderer, LocalizationStore localizations) {
        this.store = store;
        this.builtIns = builtIns;
        this.renderer = renderer;
        this.localizations = localizations;
    }

    /**
     * A template by id or name, with the localizations it uses: a stored one first, else the built-in
     * notice of that name in the language (English when it has none in that language).
     */
    public Found lookUp(String idOrName, String language) {
        String lang = language == null ? Translations.FALLBACK_LANGUAGE : language;
        Optional<TemplateStore.Rendering> stored = store.load(idOrName);
        if (stored.isPresent()) {
            return new Found(stored.get().template(), new Localized(stored.get().texts(), localizations::text), true);
        }
        Template builtIn = builtIns.find(idOrName, lang)
                .orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "Template " + idOrName + " is unknown"));
        return new Found(builtIn, Localized.none(), false);
    }

    /** Renders every output of a template found by {@link #lookUp}. */
    public Resolved render(Found found, String language, String timeZone, JsonNode inputs) {
        String lang = language == null ? Translations.FALLBACK_LANGUAGE : language;
        return new Resolved(found.stored() ? found.template().id() : null, found.template().name(),
                renderer.render(found.template(), found.localized(), lang, timeZone, inputs));
    }

    public Resolved resolve(String idOrName, String language, String timeZone, JsonNode inputs) {
        return render(lookUp(idOrName, language), language, timeZone, inputs);
    }

    /** A template and the localizations it uses; {@code stored} is false for a built-in notice. */
    public record Found(Template template, Localized localized, boolean stored) {
    }

    /** A stored template, or a built-in one in English, for GET by id or name. */
    public Template find(String idOrName) {
        return store.find(idOrName).or(() -> builtIns.find(idOrName, Translations.FALLBACK_LANGUAGE))
                .orElseThrow(() -> TemplateStore.unknown(idOrName));
    }

    /** Rendered outputs, and which template produced them (the id is null for a built-in one). */
    public record Resolved(String templateId, String templateName, Map<String, String> outputs) {
    }
}
