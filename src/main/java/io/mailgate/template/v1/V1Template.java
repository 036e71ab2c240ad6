package io.mailgate.template.v1;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A templates v1 template: a schema and its fields (name → source). */
public record V1Template(String id, String name, String description, V1Schema schema, Map<String, String> fields,
                         long creationTimestamp, long updateTimestamp) {

    public V1Template {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** Identifies one version of the template, for the parsed-fields cache. */
    String cacheKey() {
        return id + "@" + updateTimestamp;
    }
}
