package io.mailgate.provider;

import java.util.Locale;
import java.util.Map;

import io.mailgate.mail.MailConfiguration;
import io.mailgate.platform.Platform;
import io.mailgate.platform.Settings;
import io.mailgate.security.SecretBox;

/**
 * Wires the providers: the email config API and store, the kamelet parameters of each config, the
 * provider configured in the file (SMTP, or the outbox when no SMTP host is set), and the beans
 * deliver-mail and its error handling call.
 */
public final class ProviderConfiguration {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProviderConfiguration.class);

    private final EmailConfigStore configs;
    private final Settings settings;
    private ProviderCircuits circuits;

    public ProviderConfiguration(Platform platform, SecretBox secretBox, MailConfiguration mail,
                                 io.mailgate.suppression.SuppressionList suppressions) {
        settings = platform.settings();
        OutboxType.allowUnder(settings.outboxAllowedRoot());
        configs = new EmailConfigStore(platform.jdbi(), platform.json(), secretBox, platform.clock());
        platform.bind(new EmailConfigEndpoints(platform.json(), configs, new EmailConfigRequests(platform.json())));
        ProviderRoutes routes = new ProviderRoutes(configs, platform.context().getRegistry(),
                settings.delivery().smtpGreeting());
        platform.context().getPropertiesComponent().addPropertiesSource(routes);
        circuits = platform.bind(new ProviderCircuits(settings.delivery().circuit(), platform.meters(),
                provider -> LOG.info("Provider {} is up again: {} mail(s) it deferred are due now", provider,
                        mail.claims().wakeDeferredBy(provider))));
        org.apache.camel.health.HealthCheckRegistry.get(platform.context()).register(new ProviderHealthCheck(circuits));
        platform.bind(new ProviderRateLimits(platform.jdbi(), platform.clock()));
        DeliveryPlanner planner = platform.bind(new DeliveryPlanner(platform.context(), configs, routes, fallback(routes), mail.messages(),
                circuits, suppressions, settings.feedback().bounceAddress()));
        platform.bind(new ProviderTests(platform.context(), planner, platform.json(), platform.clock()));
    }

    /** Whether mail can leave the machine: an SMTP host is set, or a usable email config delivers elsewhere than an outbox. */
    public boolean canSendMail() {
        return settings.smtpConfigured() || configs.enabledInOrder().stream()
                .anyMatch(config -> config.usable() && config.type() != ProviderTypes.OUTBOX);
    }

    /**
     * The signing key of a Mailgun email config's webhooks, empty when none is set.
     *
     * @throws io.mailgate.platform.http.ApiException 404 when no Mailgun config has this key
     */
    public java.util.Optional<String> mailgunSigningKey(String configKey) {
        EmailConfig config = configOfType(configKey, ProviderTypes.MAILGUN);
        return java.util.Optional.ofNullable(configs.secrets(config).get(MailgunType.WEBHOOK_SIGNING_KEY)).filter(k -> !k.isBlank());
    }

    /**
     * Checks that an SES email config has this key (its SNS notifications are posted to it).
     *
     * @throws io.mailgate.platform.http.ApiException 404 when none has
     */
    public void requireSesConfig(String configKey) {
        configOfType(configKey, ProviderTypes.SES);
    }

    private EmailConfig configOfType(String configKey, ProviderType type) {
        return (configKey == null || configKey.length() > 255 ? java.util.Optional.<EmailConfig>empty() : configs.find(configKey))
                .filter(config -> config.type() == type)
                .orElseThrow(() -> new io.mailgate.platform.http.ApiException(io.mailgate.platform.http.ErrorCode.RESOURCE_UNKNOWN,
                        "No " + type.serviceType() + " email config has this key"));
    }

    /**
     * Every email config as an operator looks at it: key, type, priority, enabled, rate limit, whether
     * its secrets are set (never the secrets) and its circuit (state, last error); then the provider
     * configured in the file, which delivers when no config is enabled.
     */
    public java.util.List<Map<String, Object>> states() {
        Map<String, Map<String, Object>> circuitStates = circuits.describe();
        java.util.List<Map<String, Object>> states = new java.util.ArrayList<>();
        for (EmailConfig config : configs.page(1, 1000)) {
            Map<String, Object> state = new java.util.LinkedHashMap<>();
            state.put("key", config.key());
            state.put("name", config.name());
            state.put("service_type", config.type().serviceType());
            state.put("priority", config.priority());
            state.put("enabled", config.enabled());
            state.put("rate_limit", config.rateLimit().orElse(null));
            state.put("secrets_set", config.encryptedSecrets().isPresent() || !config.type().needsSecrets());
            state.put("usable", config.usable());
            state.putAll(circuitStates.getOrDefault(config.key(), Map.of("circuit", "closed")));
            states.add(state);
        }
        Map<String, Object> fallback = new java.util.LinkedHashMap<>();
        fallback.put("key", settings.smtpConfigured() ? "smtp" : "outbox");
        fallback.put("name", describeDefault());
        fallback.put("service_type", settings.smtpConfigured() ? "smtp" : "outbox");
        fallback.put("configured_in", "file");
        fallback.put("usable", true);
        fallback.putAll(circuitStates.getOrDefault(settings.smtpConfigured() ? "smtp" : "outbox", Map.of("circuit", "closed")));
        states.add(fallback);
        return states;
    }

    /** The provider configured in the file, for the start-up log line. */
    public String describeDefault() {
        return settings.smtpConfigured()
                ? "SMTP " + settings.smtpHost() + ":" + settings.smtpPort() + " (" + smtpSecurity() + ")"
                : "outbox directory " + settings.outboxDir();
    }

    /** What delivers when no email config is enabled: the SMTP server of the file, or the outbox directory. */
    private Provider fallback(ProviderRoutes routes) {
        if (!settings.smtpConfigured()) {
            String endpoint = routes.register("fallback-outbox", ProviderTypes.OUTBOX,
                    Map.of("directory", settings.outboxDir().toString()), Map.of());
            return new Provider("outbox", endpoint, Provider.UNLIMITED, null);
        }
        Map<String, String> secrets = settings.smtpUsername().isBlank() ? Map.of()
                : Map.of("username", settings.smtpUsername(), "password", settings.smtpPassword());
        String endpoint = routes.register("fallback-smtp", ProviderTypes.SMTP, Map.of("host", settings.smtpHost(),
                "port", settings.smtpPort(), "security", smtpSecurity()), secrets);
        return new Provider("smtp", endpoint, Provider.UNLIMITED, null);
    }

    private String smtpSecurity() {
        return settings.smtpSecurity().name().toLowerCase(Locale.ROOT);
    }
}
