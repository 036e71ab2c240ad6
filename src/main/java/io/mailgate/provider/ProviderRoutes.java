package io.mailgate.provider;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.camel.spi.LoadablePropertiesSource;

/**
 * Parameters of the kamelet route that delivers through one version of an email config
 * ({@code kamelet:mailgun-sink/provider-<id>-v<version>}). The kamelet component reads them as
 * {@code camel.kamelet.<kamelet>.<routeId>.<parameter>}, so secrets never appear in an endpoint URI.
 * Only routes the delivery planner has prepared are served; decrypted secrets stay in memory.
 */
public class ProviderRoutes implements LoadablePropertiesSource {

    private static final String PREFIX = "camel.kamelet.";

    private final EmailConfigStore store;
    private final org.apache.camel.spi.Registry registry;
    private final String smtpGreeting;
    /** routeId → kamelet name and parameters. */
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    /**
     * @param registry     where the objects a kamelet takes by reference (TLS trust, the SES client) are bound
     * @param smtpGreeting the name every SMTP kamelet gives in EHLO; blank: the host's name
     */
    public ProviderRoutes(EmailConfigStore store, org.apache.camel.spi.Registry registry, String smtpGreeting) {
        this.store = store;
        this.registry = registry;
        this.smtpGreeting = smtpGreeting == null ? "" : smtpGreeting.trim();
    }

    private record Route(String kamelet, Map<String, String> parameters) {
    }

    /** Makes the config's parameters available under its route id, once per version. */
    public void prepare(EmailConfig config) {
        routes.computeIfAbsent(config.routeId(), id -> {
            Map<String, String> secrets = store.secrets(config);
            return new Route(config.type().kamelet(), withReferences(id, config.type(), config.details(), secrets,
                    config.type().kameletParameters(config.details(), secrets)));
        });
    }

    /**
     * What every kamelet of a kind takes besides a config's own parameters: the SMTP greeting, the
     * config's trusted CA (bound as {@code tls-<routeId>}) and, for SES, a client that makes one attempt
     * per call (bound as {@code ses-<routeId>}).
     */
    private Map<String, String> withReferences(String routeId, ProviderType type, Map<String, Object> details,
                                               Map<String, String> secrets, Map<String, String> parameters) {
        Map<String, String> all = new java.util.LinkedHashMap<>(parameters);
        if (type == ProviderTypes.SMTP && !smtpGreeting.isEmpty()) {
            all.put("greeting", smtpGreeting);
        }
        Object trustedCa = details.get("trusted_ca");
        if (trustedCa != null && (type == ProviderTypes.SMTP || type == ProviderTypes.MAILGUN)) {
            registry.bind("tls-" + routeId, TrustedCa.sslContextParameters(trustedCa.toString()));
            all.put("sslContextParameters", "#tls-" + routeId);
        }
        if (type == ProviderTypes.SES) {
            registry.bind("ses-" + routeId, SesClients.create(details, secrets));
            all.put("sesClient", "#ses-" + routeId);
        }
        return all;
    }

    /** The provider configured in the file, under a route id of its own; returns its kamelet endpoint. */
    public String register(String routeId, ProviderType type, Map<String, Object> details, Map<String, String> secrets) {
        routes.put(routeId, new Route(type.kamelet(), withReferences(routeId, type, details, secrets,
                type.kameletParameters(details, secrets))));
        return "kamelet:" + type.kamelet() + "/" + routeId;
    }

    @Override
    public String getName() {
        return "mailgate-provider-routes";
    }

    @Override
    public String getProperty(String name) {
        if (!name.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = name.substring(PREFIX.length()).split("\\.", 3);
        if (parts.length != 3) {
            return null;
        }
        Route route = routes.get(parts[1]);
        return route == null || !route.kamelet().equals(parts[0]) ? null : route.parameters().get(parts[2]);
    }

    @Override
    public Properties loadProperties() {
        return loadProperties(name -> true);
    }

    @Override
    public Properties loadProperties(Predicate<String> filter) {
        Properties properties = new Properties();
        routes.forEach((routeId, route) -> route.parameters().forEach((parameter, value) -> {
            String name = PREFIX + route.kamelet() + "." + routeId + "." + parameter;
            if (filter.test(name)) {
                properties.setProperty(name, value);
            }
        }));
        return properties;
    }

    @Override
    public void reloadProperties(String location) {
        // nothing to reload: a changed config gets a new version and so a new route id
    }
}
