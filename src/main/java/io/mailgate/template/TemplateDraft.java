package io.mailgate.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A validated template to create, or the merged result of an update, with the localization keys its outputs name. */
public record TemplateDraft(String name, String description, Map<String, InputSchema> inputs, Map<String, String> outputs,
                            Set<String> localizationKeys) {

    public TemplateDraft {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        localizationKeys = Set.copyOf(localizationKeys);
    }
}
