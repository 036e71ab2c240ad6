package io.mailgate.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Mailgun's HTTP API (kamelet mailgun-sink): a sending domain, US or EU, and a domain sending key. Mails
 * that name no sender go out as {@code from_address}, by default {@code mailgun@{domain}} as fidesops
 * sends them.
 */
final class MailgunType implements ProviderType {

    static final String WEBHOOK_SIGNING_KEY = "mailgun_webhook_signing_key";
    private static final Pattern API_VERSION = Pattern.compile("v[0-9]+");

    @Override
    public String serviceType() {
        return "mailgun";
    }

    @Override
    public String kamelet() {
        return "mailgun-sink";
    }

    @Override
    public List<String> secretFields() {
        return List.of("mailgun_api_key");
    }

    /** The key Mailgun signs its webhooks with (POST /api/v1/events/mailgun/{key}), when events are wanted. */
    @Override
    public List<String> optionalSecretFields() {
        return List.of(WEBHOOK_SIGNING_KEY);
    }

    @Override
    public Map<String, Object> details(ConfigDetails in) {
        in.allow("domain", "is_eu_domain", "api_version", "base_url", "from_address", "trusted_ca");
        String domain = in.host("domain", "a domain name such as mg.example.com");
        boolean eu = in.bool("is_eu_domain", false);
        String version = in.text("api_version", "v3");
        if (!API_VERSION.matcher(version).matches()) {
            throw in.invalid("api_version", "api_version must look like v3");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", domain);
        out.put("is_eu_domain", eu);
        out.put("api_version", version);
        out.put("base_url", in.url("base_url").orElse(eu ? "https://api.eu.mailgun.net" : "https://api.mailgun.net"));
        String from = in.fromAddress();
        out.put("from_address", from != null ? from : "mailgun@" + domain);
        String trustedCa = in.trustedCa();
        if (trustedCa != null) {
            out.put("trusted_ca", trustedCa);
        }
        return out;
    }

    @Override
    public Map<String, String> kameletParameters(Map<String, Object> details, Map<String, String> secrets) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("baseUrl", String.valueOf(details.get("base_url")));
        parameters.put("apiVersion", String.valueOf(details.get("api_version")));
        parameters.put("domain", String.valueOf(details.get("domain")));
        parameters.put("apiKey", secrets.get("mailgun_api_key"));
        return parameters;
    }
}
