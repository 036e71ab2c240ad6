package io.mailgate.provider;

import java.util.LinkedHashMap;
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
    /** Plain and STARTTLS SMTP sockets with TCP_NODELAY; with implicit TLS JavaMail's TLS factory is kept. */
    public static final String NO_DELAY_SOCKETS = "io.mailgate.mail.NoDelaySocketFactory";

    private final EmailConfigStore store;
    /** routeId → kamelet name and parameters. */
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    public ProviderRoutes(EmailConfigStore store) {
        this.store = store;
    }

    private record Route(String kamelet, Map<String, String> parameters) {
    }

    /** Makes the config's parameters available under its route id, once per version. */
    public void prepare(EmailConfig config) {
        routes.computeIfAbsent(config.routeId(), id -> new Route(config.type().kamelet(), parameters(config)));
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

    private Map<String, String> parameters(EmailConfig config) {
        Map<String, String> secrets = store.secrets(config);
        Map<String, String> parameters = new LinkedHashMap<>();
        switch (config.type()) {
            case MAILGUN -> {
                parameters.put("baseUrl", config.detail("base_url"));
                parameters.put("apiVersion", config.detail("api_version"));
                parameters.put("domain", config.detail("domain"));
                parameters.put("apiKey", secrets.get("mailgun_api_key"));
            }
            case SES -> {
                parameters.put("region", config.detail("region"));
                parameters.put("accessKey", secrets.get("aws_access_key_id"));
                parameters.put("secretKey", secrets.get("aws_secret_access_key"));
                String endpoint = config.detail("endpoint_override");
                parameters.put("overrideEndpoint", Boolean.toString(endpoint != null));
                if (endpoint != null) {
                    parameters.put("uriEndpointOverride", endpoint);
                }
            }
            case SMTP -> {
                if (!"tls".equals(config.detail("security"))) {
                    parameters.put("socketFactoryClass", NO_DELAY_SOCKETS);
                }
                parameters.put("host", config.detail("host"));
                parameters.put("port", config.detail("port"));
                parameters.put("ssl", Boolean.toString("tls".equals(config.detail("security"))));
                parameters.put("startTls", Boolean.toString("starttls".equals(config.detail("security"))));
                if (secrets.containsKey("username")) {
                    parameters.put("username", secrets.get("username"));
                    parameters.put("password", secrets.get("password"));
                }
            }
            case OUTBOX -> parameters.put("directory", config.detail("directory"));
            default -> throw new IllegalStateException(config.type().name());
        }
        return parameters;
    }
}
