package io.mailgate.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.api.ApiException;
import io.mailgate.api.Bodies;
import io.mailgate.api.ErrorCode;
import io.mailgate.mail.Addresses;
import io.mailgate.mail.Headers;
import io.mailgate.store.Json;

/**
 * Reads and checks email config bodies (API.md §4). Schema problems are fidesops 422s naming the
 * field; the answer always carries every detail with its default filled in.
 */
public class EmailConfigRequests {

    static final Pattern KEY = Pattern.compile("^[a-zA-Z0-9_.-]+$");
    private static final Set<String> FIELDS = Set.of("key", "name", "service_type", "details", "priority", "enabled", "rate_limit");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-[0-9]");
    private static final Pattern API_VERSION = Pattern.compile("v[0-9]+");
    private static final int DEFAULT_PRIORITY = 100;

    private final Json json;

    public EmailConfigRequests(Json json) {
        this.json = json;
    }

    public EmailConfigDraft parse(Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid(List.of("body", name), "extra fields not permitted");
            }
        }
        String name = requiredText(root, "name");
        if (name.isBlank() || name.length() > 255 || Headers.hasControlCharacters(name)) {
            throw invalid(List.of("body", "name"), "name must have 1 to 255 characters");
        }
        String key = root.hasNonNull("key") ? requiredText(root, "key") : FidesKeys.fromName(name);
        if (key.length() > 255 || !KEY.matcher(key).matches()) {
            throw invalid(List.of("body", "key"), "FidesKey must only contain alphanumeric characters, '.', '_' or '-'.");
        }
        String typeName = requiredText(root, "service_type");
        ServiceType type = ServiceType.of(typeName.toLowerCase(Locale.ROOT)).orElseThrow(() -> invalid(
                List.of("body", "service_type"), "value is not a valid enumeration member; permitted: 'mailgun', 'ses', 'smtp', 'outbox'"));
        JsonNode details = root.get("details");
        if (details == null || !details.isObject()) {
            throw invalid(List.of("body", "details"), details == null ? "field required" : "value is not a valid dict");
        }
        int priority = optionalInt(root, "priority", DEFAULT_PRIORITY, 0, 1_000_000);
        boolean enabled = !root.hasNonNull("enabled") || bool(root, "enabled");
        Optional<Integer> rateLimit = root.hasNonNull("rate_limit")
                ? Optional.of(optionalInt(root, "rate_limit", 0, 1, 100_000)) : Optional.empty();
        return new EmailConfigDraft(key, name, type, details(type, details), priority, enabled, rateLimit);
    }

    /** The secrets of PUT .../secret, checked like fidesops: 400 with a list of what is wrong. */
    public Map<String, String> secrets(ServiceType type, Object body) {
        JsonNode root = Bodies.jsonObject(json.mapper(), body);
        List<String> errors = new ArrayList<>();
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String field : type.secretFields()) {
            JsonNode value = root.get(field);
            if (value == null || value.isNull()) {
                errors.add("field required ('" + field + "',)");
            } else if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 4096) {
                errors.add("str type expected ('" + field + "',)");
            } else {
                secrets.put(field, value.asText());
            }
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!type.secretFields().contains(name)) {
                errors.add("extra fields not permitted ('" + name + "',)");
            }
        }
        if (type.secretFields().isEmpty()) {
            errors.add("a " + type.wire() + " config has no secrets");
        }
        if (!errors.isEmpty()) {
            throw new ApiException(ErrorCode.BAD_REQUEST, String.join("; ", errors), Map.of("errors", errors), List.of());
        }
        return secrets;
    }

    private static Map<String, Object> details(ServiceType type, JsonNode details) {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (type) {
            case MAILGUN -> {
                allow(details, "domain", "is_eu_domain", "api_version", "base_url");
                String domain = requiredDetail(details, "domain");
                if (!DOMAIN.matcher(domain).matches() || domain.length() > 253) {
                    throw invalid(List.of("body", "details", "domain"), "domain must be a domain name such as mg.example.com");
                }
                boolean eu = details.hasNonNull("is_eu_domain") && detailBool(details, "is_eu_domain");
                String version = details.hasNonNull("api_version") ? requiredDetail(details, "api_version") : "v3";
                if (!API_VERSION.matcher(version).matches()) {
                    throw invalid(List.of("body", "details", "api_version"), "api_version must look like v3");
                }
                out.put("domain", domain);
                out.put("is_eu_domain", eu);
                out.put("api_version", version);
                out.put("base_url", details.hasNonNull("base_url") ? url(details, "base_url")
                        : eu ? "https://api.eu.mailgun.net" : "https://api.mailgun.net");
            }
            case SES -> {
                allow(details, "region", "from_address", "endpoint_override");
                String region = requiredDetail(details, "region");
                if (!REGION.matcher(region).matches()) {
                    throw invalid(List.of("body", "details", "region"), "region must be an AWS region such as eu-west-1");
                }
                out.put("region", region);
                out.put("from_address", fromAddress(details));
                out.put("endpoint_override", details.hasNonNull("endpoint_override") ? url(details, "endpoint_override") : null);
            }
            case SMTP -> {
                allow(details, "host", "port", "security", "from_address");
                String host = requiredDetail(details, "host");
                if (!DOMAIN.matcher(host).matches() || host.length() > 253) {
                    throw invalid(List.of("body", "details", "host"), "host must be a host name or IPv4 address");
                }
                String security = details.hasNonNull("security") ? requiredDetail(details, "security") : "starttls";
                if (!Set.of("none", "starttls", "tls").contains(security)) {
                    throw invalid(List.of("body", "details", "security"), "security must be none, starttls or tls");
                }
                int defaultPort = security.equals("tls") ? 465 : security.equals("starttls") ? 587 : 25;
                out.put("host", host);
                out.put("port", details.hasNonNull("port") ? detailPort(details) : defaultPort);
                out.put("security", security);
                out.put("from_address", fromAddress(details));
            }
            case OUTBOX -> {
                allow(details, "directory");
                String directory = requiredDetail(details, "directory");
                if (directory.isBlank() || Headers.hasControlCharacters(directory)) {
                    throw invalid(List.of("body", "details", "directory"), "directory must be a path");
                }
                out.put("directory", directory);
            }
            default -> throw new IllegalStateException(type.name());
        }
        return out;
    }


    private static void allow(JsonNode details, String... names) {
        Set<String> allowed = Set.of(names);
        for (Iterator<String> it = details.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw invalid(List.of("body", "details", name), "extra fields not permitted");
            }
        }
    }

    private static String fromAddress(JsonNode details) {
        if (!details.hasNonNull("from_address")) {
            return null;
        }
        String address = requiredDetail(details, "from_address");
        String problem = Addresses.problem(address);
        if (problem != null) {
            throw invalid(List.of("body", "details", "from_address"), "from_address " + problem);
        }
        return address;
    }

    private static String url(JsonNode details, String field) {
        String value = requiredDetail(details, field);
        try {
            URI uri = new URI(value);
            if (!Set.of("http", "https").contains(String.valueOf(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new URISyntaxException(value, "not an http(s) base URL");
            }
        } catch (URISyntaxException e) {
            throw invalid(List.of("body", "details", field), field + " must be an http(s) URL without query");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static int detailPort(JsonNode details) {
        JsonNode port = details.get("port");
        if (!port.canConvertToInt() || !port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535) {
            throw invalid(List.of("body", "details", "port"), "port must be a whole number from 1 to 65535");
        }
        return port.asInt();
    }

    private static String requiredDetail(JsonNode details, String field) {
        JsonNode value = details.get(field);
        if (value == null || value.isNull()) {
            throw invalid(List.of("body", "details", field), "field required");
        }
        if (!value.isTextual()) {
            throw invalid(List.of("body", "details", field), "str type expected");
        }
        return value.asText();
    }

    private static boolean detailBool(JsonNode details, String field) {
        if (!details.get(field).isBoolean()) {
            throw invalid(List.of("body", "details", field), "value could not be parsed to a boolean");
        }
        return details.get(field).asBoolean();
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw invalid(List.of("body", field), "field required");
        }
        if (!value.isTextual()) {
            throw invalid(List.of("body", field), "str type expected");
        }
        return value.asText();
    }

    private static boolean bool(JsonNode root, String field) {
        if (!root.get(field).isBoolean()) {
            throw invalid(List.of("body", field), "value could not be parsed to a boolean");
        }
        return root.get(field).asBoolean();
    }

    private static int optionalInt(JsonNode root, String field, int fallback, int min, int max) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw invalid(List.of("body", field), field + " must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    static ApiException invalid(List<String> location, String message) {
        return ApiException.validation(location, message);
    }
}
