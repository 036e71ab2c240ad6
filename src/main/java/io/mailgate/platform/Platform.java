package io.mailgate.platform;

import java.beans.Introspector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.mailgate.platform.broker.Broker;
import io.mailgate.platform.broker.KnownDestinations;
import io.mailgate.platform.db.Database;
import io.mailgate.platform.http.ErrorResponses;
import io.mailgate.platform.http.UnknownPaths;
import io.mailgate.platform.observe.BrokerHealthCheck;
import io.mailgate.platform.observe.DatabaseHealthCheck;

/**
 * What every feature shares: the settings, the database, the broker, the JSON mapper, the clock and the
 * meters; started once, before any route. Features bind their beans through {@link #bind}, so that a
 * bean's name in the routes is always its class name.
 */
public final class Platform {

    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);

    private final CamelContext context;
    private final Settings settings;
    private final Clock clock = Clock.systemUTC();
    private final Json json = new Json();
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Broker broker;
    private final PrometheusMeterRegistry meters;

    private Platform(CamelContext context, Settings settings) throws Exception {
        this.context = context;
        this.settings = settings;
        this.broker = new Broker(settings);
        context.addService(broker, true, true);
        // The embedded broker starts beside the database's migrations and the routes' building.
        broker.startEarly();
        try {
            this.dataSource = Database.open(settings);
        } catch (Exception | Error e) {
            broker.abandon();
            throw e;
        }
        this.jdbi = Jdbi.create(dataSource);
        context.addService(new Closer(dataSource), true, true);
        this.meters = meters(context);
    }

    /** Checks the ports, opens the database and the broker, and registers what the routes use of them. */
    public static Platform start(CamelContext context) throws Exception {
        // jakarta.mail looks its StreamProvider up with a ServiceLoader scan of every jar on each use
        // (8 % of the CPU of an accepted and delivered mail); named here, it is loaded directly.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
        }
        Settings settings = Settings.from(context.getPropertiesComponent());
        io.mailgate.platform.LogMasking.hide(java.util.Arrays.asList(settings.dbPassword(), settings.brokerPassword(),
                settings.smtpPassword(), settings.rootClientSecret(), settings.encryptionKey()));
        ensurePortFree(settings.httpHost(), settings.httpPort(), "MAILGATE_HTTP_PORT");
        if (settings.embeddedBroker()) {
            ensurePortFree(settings.brokerHost(), settings.brokerPort(), "MAILGATE_BROKER_PORT");
        }
        Platform platform = new Platform(context, settings);
        JmsComponent jms = JmsComponent.jmsComponent(platform.broker.connectionFactory());
        jms.getConfiguration().setDestinationResolver(new KnownDestinations());
        context.addComponent("jms", jms);
        for (String queue : settings.queues().all()) {
            Gauge.builder("mailgate.queue.depth", platform.broker, b -> b.depth(queue)).description("Messages waiting on a queue")
                    .tag("queue", queue).register(platform.meters);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(new DatabaseHealthCheck(platform.dataSource));
        health.register(new BrokerHealthCheck(platform.broker.uncachedConnectionFactory()));
        health.register(platform.bind(new io.mailgate.platform.observe.ProgressHealthCheck(platform.dataSource.getHikariPoolMXBean(),
                settings.livenessStallMillis(), !settings.usesPostgres(), System::currentTimeMillis)));
        platform.bind(platform.json);
        platform.bind(new ErrorResponses(platform.json));
        MemoryBudget budget = platform.bind(new MemoryBudget(settings.memoryBudgetBytes() > 0 ? settings.memoryBudgetBytes()
                : MemoryBudget.ofHeap(), settings.maxQueueMessageBytes()));
        context.addStartupListener(new UnknownPaths(platform.json, settings.httpPort()));
        new io.mailgate.platform.http.StartupGate(platform.json, settings.httpReadTimeoutMillis(), budget,
                settings.maxPublicBodyBytes(), context.getPropertiesComponent().resolveProperty("camel.server.max-body-size")
                .map(Long::parseLong).orElse(Long.MAX_VALUE)).install(context);
        return platform;
    }

    /** Binds a bean under its class name, first letter lower case ({@code MailRecords} as {@code mailRecords}). */
    public <T> T bind(T bean) {
        context.getRegistry().bind(Introspector.decapitalize(bean.getClass().getSimpleName()), bean);
        return bean;
    }

    /** Logs one line once every route is up, so that it is true when it appears. */
    public void announce(String defaultProvider) throws Exception {
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext camelContext, boolean alreadyStarted) {
                LOG.info("Mailgate is listening on http://{}:{} — database: {}; broker: {}; default provider: {}",
                        settings.httpHost(), settings.httpPort(), Database.describe(settings), broker.describe(),
                        defaultProvider);
            }
        });
    }

    public CamelContext context() {
        return context;
    }

    public Settings settings() {
        return settings;
    }

    public Broker broker() {
        return broker;
    }

    public Clock clock() {
        return clock;
    }

    public Json json() {
        return json;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** One registry for Camel's, the JVM's and Mailgate's meters: /observe/metrics serves Camel's. */
    private static PrometheusMeterRegistry meters(CamelContext context) {
        PrometheusMeterRegistry meters = context.getRegistry().lookupByNameAndType("metricsRegistry", PrometheusMeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind("metricsRegistry", meters);
        }
        return meters;
    }

    /**
     * Netty (and Artemis) only warn when a port is taken and the application would run on without it.
     * Binding once first turns that into a failed start with a clear message.
     */
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
}
