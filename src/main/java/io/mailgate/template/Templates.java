package io.mailgate.template;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.api.ApiException;
import io.mailgate.api.ErrorCode;

/** Finds a template (stored first, then built-in) and renders it: what a template mail and /resolve share. */
public class Templates {

    private final TemplateStore store;
    private final BuiltInTemplates builtIns;
    private final TemplateRenderer renderer;

    public Templates(TemplateStore store, BuiltInTemplates builtIns, TemplateRenderer renderer) {
        this.store = store;
        this.builtIns = builtIns;
        this.renderer = renderer;
    }

    public Resolved resolve(String idOrName, String language, String timeZone, JsonNode inputs) {
        String lang = language == null ? Localized.FALLBACK_LANGUAGE : language;
        Optional<TemplateStore.Rendering> stored = store.load(idOrName);
        if (stored.isPresent()) {
            Template template = stored.get().template();
            return new Resolved(template.id(), template.name(),
                    renderer.render(template, stored.get().localized(), lang, timeZone, inputs));
        }
        Template builtIn = builtIns.find(idOrName, lang)
                .orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "Template " + idOrName + " is unknown"));
        return new Resolved(null, builtIn.name(), renderer.render(builtIn, new Localized(Map.of()), lang, timeZone, inputs));
    }

    /** A stored template, or a built-in one in English, for GET by id or name. */
    public Template find(String idOrName) {
        return store.find(idOrName).or(() -> builtIns.find(idOrName, Localized.FALLBACK_LANGUAGE))
                .orElseThrow(() -> TemplateStore.unknown(idOrName));
    }

    /** Rendered outputs, and which template produced them (the id is null for a built-in one). */
    public record Resolved(String templateId, String templateName, Map<String, String> outputs) {
    }
}
