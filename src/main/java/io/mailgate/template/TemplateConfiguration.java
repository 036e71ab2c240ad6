package io.mailgate.template;

import io.mailgate.platform.Json;
import io.mailgate.platform.Platform;

/** Wires templates and localizations: their stores, the renderer, and the API beans. */
public final class TemplateConfiguration {

    private final Templates templates;

    public TemplateConfiguration(Platform platform) {
        Json json = platform.json();
        TemplateRenderer renderer = new TemplateRenderer(json.mapper(), platform.settings().publicUrl());
        TemplateStore store = new TemplateStore(platform.jdbi(), json, platform.clock());
        templates = new Templates(store, new BuiltInTemplates(json.mapper(), renderer), renderer);
        platform.bind(new TemplateEndpoints(json, store, new TemplateRequests(json, renderer), templates));
        platform.bind(new LocalizationEndpoints(json, new LocalizationStore(platform.jdbi(), json, platform.clock())));
    }

    public Templates templates() {
        return templates;
    }
}
