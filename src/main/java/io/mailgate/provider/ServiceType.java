package io.mailgate.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The kinds of provider an email config can name, the kamelet that delivers through each, and its secrets. */
public enum ServiceType {
    MAILGUN("mailgun-sink", List.of("mailgun_api_key")),
    SES("ses-sink", List.of("aws_access_key_id", "aws_secret_access_key")),
    SMTP("smtp-sink", List.of("username", "password")),
    OUTBOX("outbox-sink", List.of());

    private final String kamelet;
    private final List<String> secretFields;

    ServiceType(String kamelet, List<String> secretFields) {
        this.kamelet = kamelet;
        this.secretFields = secretFields;
    }

    public static Optional<ServiceType> of(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire().equals(wire)).findFirst();
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String kamelet() {
        return kamelet;
    }

    public List<String> secretFields() {
        return secretFields;
    }

    /** Outbox needs no secrets; every other provider is usable only once its secrets are set. */
    public boolean needsSecrets() {
        return !secretFields.isEmpty();
    }
}
