package io.mailgate.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMAcceptorFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jms.connection.CachingConnectionFactory;

import io.mailgate.Settings;

/**
 * The message broker: an embedded Artemis with a persistent journal under the data directory, or an
 * external Artemis reached by URL. Camel starts and stops it as a service, after and before the routes.
 */
public class Broker extends ServiceSupport {

    private static final AtomicInteger SERVER_IDS = new AtomicInteger();

    private final Settings settings;
    private final int serverId = SERVER_IDS.incrementAndGet();
    private final ActiveMQConnectionFactory connections;
    private final CachingConnectionFactory cachingConnections;
    private EmbeddedActiveMQ embedded;

    public Broker(Settings settings) {
        this.settings = settings;
        this.connections = settings.embeddedBroker()
                ? new ActiveMQConnectionFactory("vm://" + serverId)
                : new ActiveMQConnectionFactory(settings.brokerUrl(), blankToNull(settings.brokerUser()),
                        blankToNull(settings.brokerPassword()));
        this.cachingConnections = new CachingConnectionFactory(connections);
        cachingConnections.setSessionCacheSize(20);
        cachingConnections.setReconnectOnException(true);
    }

    public ConnectionFactory connectionFactory() {
        return cachingConnections;
    }

    public String describe() {
        return settings.embeddedBroker()
                ? "embedded Artemis (journal " + journalDir() + ")"
                : "Artemis " + settings.brokerUrl();
    }

    @Override
    protected void doStart() throws Exception {
        if (!settings.embeddedBroker()) {
            return;
        }
        Path dir = journalDir();
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName("mailgate-" + serverId);
        config.setPersistenceEnabled(true);
        config.setSecurityEnabled(false);
        config.setJMXManagementEnabled(false);
        config.setJournalType(JournalType.NIO);
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        // Small machines often run with little disk left; a full disk surfaces as a journal error instead
        // of producers silently blocking at 90 % usage.
        config.setMaxDiskUsage(-1);
        config.addAcceptorConfiguration(new TransportConfiguration(
                InVMAcceptorFactory.class.getName(), Map.of("serverId", serverId)));
        // A message the consumers keep failing on is parked, never redelivered forever.
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(org.apache.activemq.artemis.api.core.SimpleString.of("mailgate.broker.dead"))
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(1_000)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true)
                .setAutoCreateDeadLetterResources(true));
        embedded = new EmbeddedActiveMQ();
        embedded.setConfiguration(config);
        embedded.start();
    }

    @Override
    protected void doStop() throws Exception {
        cachingConnections.destroy();
        connections.close();
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
