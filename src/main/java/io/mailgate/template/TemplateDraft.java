package io.mailgate.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A validated template to create, or the merged result of an update. */
public record TemplateDraft(String name, String description, Map<String, String> inputs, Map<String, String> outputs) {

    public TemplateDraft {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    public Set<String> localizationKeys() {
        return TemplateRenderer.localizationKeys(outputs);
    }
}
