package io.mailgate.template;

import io.mailgate.platform.Json;
import io.mailgate.platform.Platform;
import io.mailgate.template.language.TemplateLanguage;
import io.mailgate.template.v1.V1TemplateEndpoints;
import io.mailgate.template.v1.V1TemplateStore;
import io.mailgate.template.v1.V1Templates;

/** Wires templates and localizations: their stores, the renderer, and the API beans. */
public final class TemplateConfiguration {

    private final Templates templates;

    public TemplateConfiguration(Platform platform) {
        Json json = platform.json();
        TemplateRenderer renderer = new TemplateRenderer(new TemplateLanguage(), platform.settings().publicUrl());
        TemplateStore store = new TemplateStore(platform.jdbi(), json, platform.clock());
        LocalizationStore localizations = new LocalizationStore(platform.jdbi(), json, platform.clock());
        V1Templates v1 = new V1Templates(new V1TemplateStore(platform.jdbi(), json, platform.clock()), localizations);
        templates = new Templates(store, new BuiltInTemplates(json.mapper()), renderer, localizations, v1);
        platform.bind(new V1TemplateEndpoints(json, v1));
        platform.bind(new TemplateEndpoints(json, store, new TemplateRequests(json, renderer), templates));
        platform.bind(new LocalizationEndpoints(json, localizations));
    }

    public Templates templates() {
        return templates;
    }
}
