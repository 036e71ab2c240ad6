package io.mailgate.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgate.mail.Addresses;
import io.mailgate.platform.http.ApiException;

/** The {@code details} object of an email config body, read field by field; a bad field is a fidesops 422 that names it. */
public final class ConfigDetails {

    private static final Pattern HOST = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final JsonNode details;

    public ConfigDetails(JsonNode details) {
        this.details = details;
    }

    /** Refuses any field not named. */
    public void allow(String... names) {
        Set<String> allowed = Set.of(names);
        for (Iterator<String> it = details.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw invalid(name, "extra fields not permitted");
            }
        }
    }

    public boolean has(String field) {
        return details.hasNonNull(field);
    }

    public String text(String field) {
        JsonNode value = details.get(field);
        if (value == null || value.isNull()) {
            throw invalid(field, "field required");
        }
        if (!value.isTextual()) {
            throw invalid(field, "str type expected");
        }
        return value.asText();
    }

    public String text(String field, String fallback) {
        return has(field) ? text(field) : fallback;
    }

    public boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        if (!details.get(field).isBoolean()) {
            throw invalid(field, "value could not be parsed to a boolean");
        }
        return details.get(field).asBoolean();
    }

    /** A domain or host name (or an IPv4 address, which has the same shape). */
    public String host(String field, String what) {
        String host = text(field);
        if (!HOST.matcher(host).matches() || host.length() > 253) {
            throw invalid(field, field + " must be " + what);
        }
        return host;
    }

    public int port(String field, int fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode port = details.get(field);
        if (!port.isIntegralNumber() || !port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535) {
            throw invalid(field, "port must be a whole number from 1 to 65535");
        }
        return port.asInt();
    }

    /** An http(s) base URL without query or fragment, without its trailing slash; empty when absent. */
    public Optional<String> url(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        String value = text(field);
        try {
            URI uri = new URI(value);
            if (!Set.of("http", "https").contains(String.valueOf(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new URISyntaxException(value, "not an http(s) base URL");
            }
        } catch (URISyntaxException e) {
            throw invalid(field, field + " must be an http(s) URL without query");
        }
        return Optional.of(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    }

    /** The sender this provider puts on mails that name none; null when not given. */
    public String fromAddress() {
        if (!has("from_address")) {
            return null;
        }
        String address = text("from_address");
        String problem = Addresses.problem(address);
        if (problem != null) {
            throw invalid("from_address", "from_address " + problem);
        }
        return address;
    }

    /**
     * A certificate authority (PEM) this provider's TLS server certificates may chain to, besides the
     * public roots; null when not given.
     */
    public String trustedCa() {
        if (!has("trusted_ca")) {
            return null;
        }
        String pem = text("trusted_ca");
        if (pem.length() > TrustedCa.MAX_PEM_CHARS) {
            throw invalid("trusted_ca", "trusted_ca must be at most " + TrustedCa.MAX_PEM_CHARS + " characters");
        }
        try {
            TrustedCa.certificates(pem);
        } catch (java.security.cert.CertificateException e) {
            throw invalid("trusted_ca", "trusted_ca must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)");
        }
        return pem;
    }

    public ApiException invalid(String field, String message) {
        return ApiException.validation(List.of("body", "details", field), message);
    }
}
