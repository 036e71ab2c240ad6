package io.mailgate.provider;

import java.util.List;
import java.util.Map;

/**
 * One kind of provider an email config can name (its {@code service_type}): which details and secrets
 * such a config has, and how they become the parameters of the kamelet that delivers through it. Every
 * kamelet takes the same input (a MimeMessage and its envelope), so a new provider is a kamelet in
 * {@code kamelets/} and one of these, listed in {@link ProviderTypes}.
 */
public interface ProviderType {

    /** The {@code service_type} of the API, e.g. {@code mailgun}. */
    String serviceType();

    /** The kamelet that delivers through this kind of provider, e.g. {@code mailgun-sink}. */
    String kamelet();

    /** The names of the secrets PUT .../secret takes; empty when the provider needs none. */
    List<String> secretFields();

    /** Secrets PUT .../secret may also take, for something other than sending (a webhook signing key). */
    default List<String> optionalSecretFields() {
        return List.of();
    }

    /** The details of a create or PATCH body, checked, with every default filled in. */
    Map<String, Object> details(ConfigDetails details);

    /** The kamelet's parameters for a config with these (checked) details and (decrypted) secrets. */
    Map<String, String> kameletParameters(Map<String, Object> details, Map<String, String> secrets);

    /** A provider that needs secrets is usable only once they are set. */
    default boolean needsSecrets() {
        return !secretFields().isEmpty();
    }
}
