package io.mailgate.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mailgate.mail.Headers;

/** A directory of .eml files (kamelet outbox-sink), like a pickup directory: nothing leaves the machine. */
final class OutboxType implements ProviderType {

    @Override
    public String serviceType() {
        return "outbox";
    }

    @Override
    public String kamelet() {
        return "outbox-sink";
    }

    @Override
    public List<String> secretFields() {
        return List.of();
    }

    @Override
    public Map<String, Object> details(ConfigDetails in) {
        in.allow("directory");
        String directory = in.text("directory");
        if (directory.isBlank() || Headers.hasControlCharacters(directory)) {
            throw in.invalid("directory", "directory must be a path");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("directory", directory);
        return out;
    }

    @Override
    public Map<String, String> kameletParameters(Map<String, Object> details, Map<String, String> secrets) {
        return Map.of("directory", String.valueOf(details.get("directory")));
    }
}
