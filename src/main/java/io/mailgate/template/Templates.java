package io.mailgate.template;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;
import io.mailgate.template.language.Translations;
import io.mailgate.template.v1.V1Template;
import io.mailgate.template.v1.V1Templates;

/**
 * Finds a template and renders it: what a template mail and /resolve share. /templates/v2 sees stored
 * v2 templates, then the built-in notices; a mail looks for a v2 template first, then a v1 template,
 * then a built-in notice (Extra Horizon's mail service: v2 by id or name first, then v1).
 */
public class Templates {

    private final TemplateStore store;
    private final BuiltInTemplates builtIns;
    private final TemplateRenderer renderer;
    private final LocalizationStore localizations;
    private final V1Templates v1;

    public Templates(TemplateStore store, BuiltInTemplates builtIns, TemplateRenderer renderer, LocalizationStore localizations,
                     V1Templates v1) {
        this.store = store;
        this.builtIns = builtIns;
        this.renderer = renderer;
        this.localizations = localizations;
        this.v1 = v1;
    }

    /** The template a mail names: a stored v2 template, else a v1 template, else a built-in notice. */
    public Found lookUpForMail(String idOrName, String language) {
        Optional<TemplateStore.Rendering> stored = store.load(idOrName);
        if (stored.isPresent()) {
            return new Found(stored.get().template(), new Localized(stored.get().texts(), localizations::text), null, true);
        }
        Optional<V1Template> older = v1.store().findByIdOrName(idOrName);
        if (older.isPresent()) {
            return new Found(null, null, older.get(), true);
        }
        return lookUp(idOrName, language);
    }

    /**
     * A template by id or name, with the localizations it uses: a stored one first, else the built-in
     * notice of that name in the language (English when it has none in that language).
     */
    public Found lookUp(String idOrName, String language) {
        String lang = language == null ? Translations.FALLBACK_LANGUAGE : language;
        Optional<TemplateStore.Rendering> stored = store.load(idOrName);
        if (stored.isPresent()) {
            return new Found(stored.get().template(), new Localized(stored.get().texts(), localizations::text), null, true);
        }
        Template builtIn = builtIns.find(idOrName, lang)
                .orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "Template " + idOrName + " is unknown"));
        return new Found(builtIn, Localized.none(), null, false);
    }

    /** Renders every output of a template found by {@link #lookUp}. */
    public Resolved render(Found found, String language, String timeZone, JsonNode inputs) {
        String lang = language == null ? Translations.FALLBACK_LANGUAGE : language;
        if (found.v1() != null) {
            return new Resolved(found.v1().id(), found.v1().name(), v1.render(found.v1(), lang, inputs));
        }
        return new Resolved(found.stored() ? found.template().id() : null, found.template().name(),
                renderer.render(found.template(), found.localized(), lang, timeZone, inputs));
    }

    /** Renders a template that is not stored - a draft being edited - with the stored localizations. */
    public Resolved renderDraft(TemplateDraft draft, String language, String timeZone, JsonNode inputs) {
        Template template = new Template(null, draft.name(), draft.description(), draft.inputs(), draft.outputs(), 0, 0, null);
        Localized localized = new Localized(localizations.texts(draft.localizationKeys()), localizations::text);
        String lang = language == null ? Translations.FALLBACK_LANGUAGE : language;
        return new Resolved(null, draft.name(), renderer.renderDraft(template, localized, lang, timeZone, inputs));
    }

    public Resolved resolve(String idOrName, String language, String timeZone, JsonNode inputs) {
        return render(lookUp(idOrName, language), language, timeZone, inputs);
    }

    /**
     * A v2 template and the localizations it uses, or a v1 template ({@code v1} set, the others null);
     * {@code stored} is false for a built-in notice.
     */
    public record Found(Template template, Localized localized, V1Template v1, boolean stored) {
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
