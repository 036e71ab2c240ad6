package io.mailgate.platform.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

import io.mailgate.platform.Settings;

/**
 * The message broker: an embedded Artemis with a persistent journal under the data directory, or an
 * external Artemis reached by URL. Camel starts and stops it as a service, after and before the routes.
 */
public class Broker extends ServiceSupport {

    private static final AtomicInteger SERVER_IDS = new AtomicInteger();

    private final Settings settings;
    private final int serverId = SERVER_IDS.incrementAndGet();
    private final ConnectionFactory connections;
    private final CachingConnectionFactory cachingConnections;
    private EmbeddedActiveMQ embedded;
    private CompletableFuture<EmbeddedActiveMQ> starting;

    public Broker(Settings settings) {
        this.settings = settings;
        this.connections = connectionFactory(settings, serverId);
        this.cachingConnections = new CachingConnectionFactory(connections);
        cachingConnections.setSessionCacheSize(20);
        cachingConnections.setReconnectOnException(true);
    }

    public ConnectionFactory connectionFactory() {
        return cachingConnections;
    }

    /** A factory that opens a new connection each time, for the readiness check. */
    public ConnectionFactory uncachedConnectionFactory() {
        return connections;
    }

    /** Messages waiting on a queue of the embedded broker; NaN for an external broker or a queue not made yet. */
    public double depth(String queue) {
        if (embedded == null) {
            return Double.NaN;
        }
        org.apache.activemq.artemis.core.server.Queue found = embedded.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return found == null ? Double.NaN : found.getMessageCount();
    }

    /**
     * Bytes of messages an Artemis consumer fetches ahead. The default, 1 MB, is thousands of mail ids
     * per delivery consumer held in memory during a backlog; a few hundred keep the consumers busy.
     */
    private static final int CONSUMER_WINDOW_BYTES = 64 * 1024;

    /** In-VM to the embedded broker; an external Artemis by its core URL; any AMQP 1.0 broker by amqp(s)://. */
    private static ConnectionFactory connectionFactory(Settings settings, int serverId) {
        if (settings.embeddedBroker()) {
            ActiveMQConnectionFactory inVm = new ActiveMQConnectionFactory("vm://" + serverId);
            inVm.setConsumerWindowSize(CONSUMER_WINDOW_BYTES);
            return inVm;
        }
        String url = settings.brokerUrl();
        if (url.startsWith("amqp://") || url.startsWith("amqps://") || url.startsWith("amqpws://") || url.startsWith("amqpwss://")) {
            JmsConnectionFactory amqp = new JmsConnectionFactory(url);
            amqp.setUsername(blankToNull(settings.brokerUser()));
            amqp.setPassword(blankToNull(settings.brokerPassword()));
            return amqp;
        }
        ActiveMQConnectionFactory core = new ActiveMQConnectionFactory(url, blankToNull(settings.brokerUser()),
                blankToNull(settings.brokerPassword()));
        core.setConsumerWindowSize(CONSUMER_WINDOW_BYTES);
        return core;
    }

    public String describe() {
        return settings.embeddedBroker()
                ? "embedded Artemis on " + settings.brokerHost() + ":" + settings.brokerPort() + " (CORE, AMQP; journal "
                        + journalDir() + ")"
                : "external broker " + settings.brokerUrl();
    }

    /**
     * Starts the embedded broker on a thread of its own while the rest of Mailgate is wired and its routes
     * are built (a few tenths of a second of a start); {@link #doStart} waits for it. Does nothing for an
     * external broker.
     */
    public synchronized void startEarly() {
        if (settings.embeddedBroker() && starting == null) {
            starting = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    starting.complete(startEmbedded());
                } catch (Throwable e) {
                    starting.completeExceptionally(e);
                }
            }, "mailgate-broker-start");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Stops what {@link #startEarly} began, when the start fails before the context could start this service. */
    public void abandon() {
        try {
            doStop();
        } catch (Exception e) {
            // The start is failing already; the process ends, and what it failed on is the error to report.
        }
    }

    @Override
    protected void doStart() throws Exception {
        if (!settings.embeddedBroker()) {
            return;
        }
        startEarly();
        embedded = awaitStart();
    }

    private EmbeddedActiveMQ awaitStart() throws Exception {
        CompletableFuture<EmbeddedActiveMQ> started;
        synchronized (this) {
            started = starting;
        }
        try {
            return started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private EmbeddedActiveMQ startEmbedded() throws Exception {
        Path dir = journalDir();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("mailgate-" + serverId);
        config.setPersistenceEnabled(true);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.setJournalType(JournalType.NIO);
        // A sync costs ~0.2 ms on an SSD: flush the journal's buffer every 0.5 ms, not every 3.3 ms,
        // so a transacted consumer's commit does not wait on the timer.
        config.setJournalBufferTimeout_NIO(500_000);
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        // Small machines often run with little disk left; a full disk surfaces as a journal error instead
        // of producers silently blocking at 90 % usage.
        config.setMaxDiskUsage(-1);
        // Messages held in memory, all queues together, before the broker pages them to disk. Artemis'
        // default is half the heap, and it counts a queued mail id as ~550 bytes where it holds ~1.2 KB:
        // with a small heap a delivery backlog filled the old generation and the gateway spent its time
        // in full collections (bench/, 128 MB). A sixteenth keeps a backlog to about a sixth of the heap.
        config.setGlobalMaxSize(Runtime.getRuntime().maxMemory() / 16);
        config.addAcceptorConfiguration(new TransportConfiguration(
                InVMAcceptorFactory.class.getName(), Map.of("serverId", serverId)));
        // Other processes produce over CORE or AMQP 1.0 on this port (loopback unless configured).
        config.addAcceptorConfiguration("tcp", "tcp://" + settings.brokerHost() + ":" + settings.brokerPort()
                + "?protocols=CORE,AMQP");
        // A rolled-back message comes back after a growing delay; one that keeps failing is parked on the
        // dead-letter queue (recorded as a dead letter by record-broker-dead-letters), never redelivered forever.
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(settings.queues().dead()))
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(1_000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true)
                .setAutoCreateDeadLetterResources(true)
                // A paged backlog is read back a few thousand messages ahead, not 20 MB (the default).
                .setMaxReadPageBytes(2 * 1024 * 1024)
                .setPrefetchPageBytes(1024 * 1024));
        // What other services drop on the ingress queues is stored as REST's mails are, durable or not.
        config.registerBrokerPlugin(new DurableIngress(java.util.Set.of(settings.queues().send(), settings.queues().privacy()),
                settings.maxQueueMessageBytes()));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        return server;
    }

    @Override
    protected void doStop() throws Exception {
        cachingConnections.destroy();
        if (connections instanceof AutoCloseable closeable) {
            closeable.close();
        }
        CompletableFuture<EmbeddedActiveMQ> started;
        synchronized (this) {
            started = starting;
            starting = null;
        }
        if (embedded == null && started != null) {
            // Stopped before doStart took it over (a failed start): stop what the early start began.
            embedded = started.exceptionally(failed -> null).join();
        }
        if (embedded != null) {
            embedded.stop();
            embedded = null;
        }
    }

    private Path journalDir() {
        return settings.dataDir().resolve("broker");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
