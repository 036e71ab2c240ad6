package io.mailgate.provider;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A provider configuration as stored: details with defaults filled in; secrets only as ciphertext. */
public record EmailConfig(
        String id,
        String key,
        String name,
        ProviderType type,
        Map<String, Object> details,
        int priority,
        boolean enabled,
        Optional<Integer> rateLimit,
        Optional<String> encryptedSecrets,
        int version,
        long createdAt,
        long updatedAt) {

    public EmailConfig {
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** Names this version's kamelet route: a change of config or secrets makes a new route. */
    public String routeId() {
        return "provider-" + id + "-v" + version;
    }

    public boolean usable() {
        return enabled && (!type.needsSecrets() || encryptedSecrets.isPresent());
    }

    public String detail(String name) {
        Object value = details.get(name);
        return value == null ? null : String.valueOf(value);
    }
}
