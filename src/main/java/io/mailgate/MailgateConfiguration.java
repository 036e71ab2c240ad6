package io.mailgate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.StartupListener;
import org.apache.camel.support.TypeConverterSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.mailgate.api.ErrorResponses;
import io.mailgate.broker.Broker;
import io.mailgate.broker.KnownDestinations;
import io.mailgate.mail.MailRequestParser;
import io.mailgate.mail.MailStore;
import io.mailgate.mail.AcceptedMails;
import io.mailgate.mail.MailViews;
import io.mailgate.deadletter.DeadLetterEndpoints;
import io.mailgate.deadletter.DeadLetterStore;
import io.mailgate.mail.IdempotencyKeys;
import io.mailgate.mail.KeepAliveMailConfiguration;
import io.mailgate.mail.MailComposer;
import io.mailgate.mail.MimeMessageBuilder;
import io.mailgate.mail.TrackingPixel;
import io.mailgate.mail.MailOutcomes;
import io.mailgate.observe.BrokerHealthCheck;
import io.mailgate.observe.DatabaseHealthCheck;
import io.mailgate.observe.MailMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.health.HealthCheckRegistry;
import io.mailgate.privacy.ConnectionEndpoints;
import io.mailgate.privacy.ConnectionStore;
import io.mailgate.privacy.DatasetRules;
import io.mailgate.privacy.DirectNotices;
import io.mailgate.privacy.ErasureFulfillment;
import io.mailgate.privacy.ErasureInstructions;
import io.mailgate.privacy.PolicyEndpoints;
import io.mailgate.privacy.PolicyStore;
import io.mailgate.privacy.PrivacyNotices;
import io.mailgate.privacy.PrivacyRequestStore;
import io.mailgate.privacy.PrivacyRequests;
import io.mailgate.privacy.Taxonomy;
import io.mailgate.provider.DeliveryPlanner;
import io.mailgate.provider.EmailConfigEndpoints;
import io.mailgate.provider.EmailConfigRequests;
import io.mailgate.provider.EmailConfigStore;
import io.mailgate.provider.Provider;
import io.mailgate.provider.ProviderErrors;
import io.mailgate.provider.ProviderMessages;
import io.mailgate.provider.ProviderRoutes;
import io.mailgate.provider.RetryAfterDelay;
import io.mailgate.security.Access;
import io.mailgate.security.SecretBox;
import io.mailgate.security.Clients;
import io.mailgate.security.TokenEndpoints;
import io.mailgate.security.Tokens;
import io.mailgate.store.Database;
import io.mailgate.template.BuiltInTemplates;
import io.mailgate.template.LocalizationEndpoints;
import io.mailgate.template.LocalizationStore;
import io.mailgate.template.TemplateEndpoints;
import io.mailgate.template.TemplateRenderer;
import io.mailgate.template.TemplateRequests;
import io.mailgate.template.TemplateStore;
import io.mailgate.template.Templates;
import io.mailgate.store.Json;
import io.mailgate.support.Closer;

/**
 * Wires Mailgate: reads the settings, opens the database and the broker, and binds the named beans
 * the YAML flows call. Everything here runs once, before any route starts.
 */
public class MailgateConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MailgateConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        // jakarta.mail looks its StreamProvider up with a ServiceLoader scan of every jar on each use
        // (8 % of the CPU of an accepted and delivered mail); named here, it is loaded directly.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
        Settings settings = Settings.from(context.getPropertiesComponent());
        ensurePortFree(settings);
        warnAboutDevelopmentCredentials(settings);
        configureDefaultProvider(context, settings);

        Clock clock = Clock.systemUTC();
        Json json = new Json();
        HikariDataSource dataSource = Database.open(settings);
        Broker broker = new Broker(settings);
        context.addService(new Closer(dataSource), true, true);
        context.addService(broker, true, true);
        JmsComponent jms = JmsComponent.jmsComponent(broker.connectionFactory());
        jms.getConfiguration().setDestinationResolver(new KnownDestinations());
        context.addComponent("jms", jms);
        // SMTP connections stay open between mails (camel-mail opens and closes one per mail).
        context.addComponent("smtp", new MailComponent(new KeepAliveMailConfiguration(context)));
        context.getTypeConverterRegistry().addTypeConverter(byte[].class, MimeMessage.class, new MimeMessageToBytes());

        Registry registry = context.getRegistry();
        // One registry for Camel's, the JVM's and Mailgate's meters: /observe/metrics serves Camel's.
        PrometheusMeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        MailMetrics mailMetrics = new MailMetrics(meters);
        registry.bind("mailMetrics", mailMetrics);
        for (String queue : java.util.List.of("mailgate.mail.outbound", "mailgate.mail.send", "mailgate.privacy.email",
                Broker.DEAD_LETTER_QUEUE)) {
            Gauge.builder("mailgate.queue.depth", broker, b -> b.depth(queue)).description("Messages waiting on a queue")
                    .tag("queue", queue).register(meters);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(new DatabaseHealthCheck(dataSource));
        health.register(new BrokerHealthCheck(broker.uncachedConnectionFactory()));
        registry.bind("dataSource", dataSource);
        registry.bind("json", json);
        registry.bind("errorResponses", new ErrorResponses(json));

        Tokens tokens = new Tokens(dataSource, settings.tokenTtlSeconds(), clock);
        Clients clients = new Clients(dataSource, tokens, settings.effectiveRootClientId(), settings.effectiveRootClientSecret());
        registry.bind("access", new Access(tokens));
        registry.bind("tokenEndpoints", new TokenEndpoints(clients, tokens, json));

        TemplateRenderer renderer = new TemplateRenderer(json.mapper(), settings.publicUrl());
        TemplateStore templateStore = new TemplateStore(dataSource, json, clock);
        Templates templates = new Templates(templateStore, new BuiltInTemplates(json.mapper(), renderer), renderer);
        registry.bind("templateEndpoints", new TemplateEndpoints(json, templateStore,
                new TemplateRequests(json, renderer), templates));
        registry.bind("localizationEndpoints", new LocalizationEndpoints(json, new LocalizationStore(dataSource, json, clock)));

        MailStore mailStore = new MailStore(dataSource, json, clock, settings.claimTimeoutMillis(),
                settings.idempotencyTtlHours() * 3_600_000L);
        registry.bind("mailStore", mailStore);
        registry.bind("mailComposer", new MailComposer(templates, json.mapper()));
        registry.bind("trackingPixel", new TrackingPixel());
        registry.bind("idempotencyKeys", new IdempotencyKeys());
        DeadLetterStore deadLetters = new DeadLetterStore(dataSource, json, clock, mailMetrics);
        registry.bind("deadLetters", deadLetters);
        registry.bind("deadLetterEndpoints", new DeadLetterEndpoints(json, deadLetters));

        registry.bind("mailRequests", new MailRequestParser(json, settings.mailFrom(), settings.maxMessageBytes()));
        registry.bind("mailViews", new MailViews(json, mailStore));
        registry.bind("acceptedMails", new AcceptedMails());
        MimeMessageBuilder mimeMessages = new MimeMessageBuilder(settings.mailFrom());
        SecretBox secretBox = SecretBox.open(settings.encryptionKey(), settings.dataDir());
        EmailConfigStore emailConfigs = new EmailConfigStore(dataSource, json, secretBox, clock);
        registry.bind("emailConfigEndpoints", new EmailConfigEndpoints(json, emailConfigs, new EmailConfigRequests(json)));
        ProviderRoutes providerRoutes = new ProviderRoutes(emailConfigs);
        context.getPropertiesComponent().addPropertiesSource(providerRoutes);
        Provider fallback = settings.smtpConfigured()
                ? new Provider("smtp", "smtp", "kamelet:smtp-sink/fallback-smtp", Provider.UNLIMITED, null)
                : new Provider("outbox", "outbox", "kamelet:outbox-sink/fallback-outbox", Provider.UNLIMITED, null);
        registry.bind("deliveryPlanner", new DeliveryPlanner(context, emailConfigs, providerRoutes, fallback));
        registry.bind("providerMessages", new ProviderMessages(mimeMessages));
        registry.bind("providerErrors", new ProviderErrors(settings.deliveryRetries(), mailMetrics));
        registry.bind("retryAfterDelay", new RetryAfterDelay(settings.maxRetryDelayMillis()));

        Taxonomy taxonomy = Taxonomy.load();
        ConnectionStore connections = new ConnectionStore(dataSource, json, secretBox, clock);
        PolicyStore policies = new PolicyStore(dataSource, json, clock);
        PrivacyRequestStore privacyRequests = new PrivacyRequestStore(dataSource, json, clock);
        registry.bind("connectionEndpoints", new ConnectionEndpoints(json, connections, new DatasetRules(taxonomy),
                new MailOutcomes(mailStore, java.time.Duration.ofSeconds(20))));
        registry.bind("policyEndpoints", new PolicyEndpoints(json, policies, taxonomy));
        registry.bind("privacyRequests", new PrivacyRequests(json, privacyRequests, policies, settings.privacy(),
                () -> settings.smtpConfigured() || emailConfigs.enabledInOrder().stream().anyMatch(c -> c.usable()
                        && c.type() != io.mailgate.provider.ServiceType.OUTBOX)));
        registry.bind("privacyNotices", new PrivacyNotices(json, privacyRequests));
        registry.bind("erasureFulfillment", new ErasureFulfillment(json, connections, policies));
        registry.bind("erasureInstructions", new ErasureInstructions());
        registry.bind("directNotices", new DirectNotices(json));

        // Logged once every route is up, so that the line is true when it appears.
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext camelContext, boolean alreadyStarted) {
                LOG.info("Mailgate is listening on http://{}:{} — database: {}; broker: {}; default provider: {}",
                        settings.httpHost(), settings.httpPort(), Database.describe(settings), broker.describe(),
                        describeProvider(settings));
            }
        });
    }

    /**
     * Netty (and Artemis) only warn when a port is taken and the application would run on without it.
     * Binding once first turns that into a failed start with a clear message.
     */
    private static void ensurePortFree(Settings settings) {
        ensurePortFree(settings.httpHost(), settings.httpPort(), "MAILGATE_HTTP_PORT");
        if (settings.embeddedBroker()) {
            ensurePortFree(settings.brokerHost(), settings.brokerPort(), "MAILGATE_BROKER_PORT");
        }
    }

    private static void ensurePortFree(String host, int port, String variable) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): is another process using the port? Set " + variable + ".", e);
        }
    }

    private static void warnAboutDevelopmentCredentials(Settings settings) {
        if (settings.devRootClient()) {
            LOG.warn("*****************************************************************************************");
            LOG.warn("* No root client is configured: using the DEVELOPMENT root client '{}' with its public  *",
                    Settings.DEV_ROOT_CLIENT_ID);
            LOG.warn("* default secret. Anyone can send mail through this gateway. Set MAILGATE_ROOT_CLIENT_ID *");
            LOG.warn("* and MAILGATE_ROOT_CLIENT_SECRET before exposing it.                                     *");
            LOG.warn("*****************************************************************************************");
        }
    }

    /**
     * The default provider is SMTP when a host is configured, the outbox directory otherwise. The
     * smtp-sink kamelet takes its parameters from camel.kamelet.smtp-sink.* properties set here, so
     * that optional credentials are left out rather than sent empty.
     */
    private static void configureDefaultProvider(CamelContext context, Settings settings) {
        Properties properties = new Properties();
        properties.setProperty("mailgate.provider.default", settings.smtpConfigured() ? "smtp" : "outbox");
        properties.setProperty("camel.kamelet.outbox-sink.directory", settings.outboxDir().toString());
        if (settings.smtpConfigured()) {
            properties.setProperty("camel.kamelet.smtp-sink.host", settings.smtpHost());
            properties.setProperty("camel.kamelet.smtp-sink.port", Integer.toString(settings.smtpPort()));
            properties.setProperty("camel.kamelet.smtp-sink.ssl", Boolean.toString(settings.smtpSecurity() == Settings.SmtpSecurity.TLS));
            properties.setProperty("camel.kamelet.smtp-sink.startTls",
                    Boolean.toString(settings.smtpSecurity() == Settings.SmtpSecurity.STARTTLS));
            if (settings.smtpSecurity() != Settings.SmtpSecurity.TLS) {
                properties.setProperty("camel.kamelet.smtp-sink.socketFactoryClass", ProviderRoutes.NO_DELAY_SOCKETS);
            }
            if (!settings.smtpUsername().isBlank()) {
                properties.setProperty("camel.kamelet.smtp-sink.username", settings.smtpUsername());
                properties.setProperty("camel.kamelet.smtp-sink.password", settings.smtpPassword());
            }
        }
        // Initial properties are the fallback: anything configured explicitly still wins.
        properties.forEach((key, value) -> context.getPropertiesComponent().addInitialProperty((String) key, (String) value));
    }

    private static String describeProvider(Settings settings) {
        return settings.smtpConfigured()
                ? "SMTP " + settings.smtpHost() + ":" + settings.smtpPort() + " (" + settings.smtpSecurity().name().toLowerCase() + ")"
                : "outbox directory " + settings.outboxDir();
    }

    /** Lets a route write a MimeMessage to a file: the outbox-sink kamelet converts its body to bytes. */
    private static final class MimeMessageToBytes extends TypeConverterSupport {
        @Override
        public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
            try {
                return type.cast(MimeMessageBuilder.toBytes((MimeMessage) value));
            } catch (MessagingException | IOException e) {
                throw new TypeConversionException(value, type, e);
            }
        }
    }
}
