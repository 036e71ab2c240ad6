package io.mailgate.template;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A v2 template: declared inputs and Handlebars outputs (name → source). Stored templates have an id
 * and timestamps and serve every language through localizations; a built-in one (a privacy notice)
 * has neither, and is one translation: its language is set.
 */
public record Template(
        String id,
        String name,
        String description,
        Map<String, InputSchema> inputs,
        Map<String, String> outputs,
        long creationTimestamp,
        long updateTimestamp,
        String language) {

    public Template {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** Identifies one version of a template's sources, for the compiled-template cache. */
    String cacheKey() {
        return id == null ? "builtin:" + name + ":" + language : id + "@" + updateTimestamp;
    }
}
