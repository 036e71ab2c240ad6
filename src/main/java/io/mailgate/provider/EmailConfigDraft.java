package io.mailgate.provider;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A validated create or PATCH body of /api/v1/email/config. */
public record EmailConfigDraft(String key, String name, ProviderType type, Map<String, Object> details, int priority,
                               boolean enabled, Optional<Integer> rateLimit) {

    public EmailConfigDraft {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
