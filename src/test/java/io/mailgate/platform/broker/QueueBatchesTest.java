package io.mailgate.platform.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailgate.support.Waiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Batches from a real (in-VM) Artemis: messages waiting are taken many per transaction, each handled
 * as an exchange of its own, a message the route refuses (handled) is not redelivered, and a message
 * that keeps failing goes to the broker's dead-letter queue alone — its batch-mates are handled
 * after one redelivery at most, and none of them reaches the dead-letter queue.
 */
class QueueBatchesTest {

    private static final String QUEUE = "batches.in";
    private EmbeddedActiveMQ broker;
    private ActiveMQConnectionFactory connections;
    private DefaultCamelContext camel;
    private final Map<String, Integer> handled = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private SimpleMeterRegistry meters;

    @BeforeEach
    void start() throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setPersistenceEnabled(false);
        config.setSecurityEnabled(false);
        config.addAcceptorConfiguration("in-vm", "vm://77");
        config.addAddressSetting("#", new AddressSettings().setMaxDeliveryAttempts(3).setRedeliveryDelay(0)
                .setDeadLetterAddress(SimpleString.of("DLQ")).setAutoCreateQueues(true).setAutoCreateAddresses(true)
                .setAutoCreateDeadLetterResources(false));
        config.addQueueConfiguration(org.apache.activemq.artemis.api.core.QueueConfiguration.of("DLQ")
                .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST));
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.start();
        connections = new ActiveMQConnectionFactory("vm://77");
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(IllegalArgumentException.class).handled(true).process(e -> refused.add(e.getMessage().getBody(String.class)));
                from("direct:in").routeId("in").process(exchange -> {
                    String body = exchange.getMessage().getBody(String.class);
                    if (body.equals("poison")) {
                        throw new IllegalStateException("keeps failing");
                    }
                    if (body.startsWith("bad")) {
                        throw new IllegalArgumentException("refused");
                    }
                    Thread.sleep(2);
                    handled.merge(body, 1, Integer::sum);
                });
            }
        });
        camel.start();
        meters = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        connections.close();
        broker.stop();
    }

    @Test
    void waitingMessagesAreTakenInBatchesAndAPoisonMessageGoesToTheDeadLetterQueueAlone() throws Exception {
        List<String> good = new ArrayList<>();
        try (JMSContext producer = connections.createContext(JMSContext.SESSION_TRANSACTED)) {
            Queue queue = producer.createQueue(QUEUE);
            JMSProducer send = producer.createProducer();
            for (int i = 0; i < 300; i++) {
                String body = i == 150 ? "poison" : i % 50 == 7 ? "bad " + i : "mail " + i;
                send.send(queue, body);
                if (body.startsWith("mail")) {
                    good.add(body);
                }
            }
            producer.commit();
        }
        QueueBatches batches = new QueueBatches(camel, connections, QUEUE, null, "direct:in", 2, 64, 1_000_000, 8, meters);
        camel.addService(batches);
        Waiter.until(Duration.ofSeconds(30), "every good message handled", () -> handled.keySet().containsAll(good));
        Waiter.until(Duration.ofSeconds(30), "the poison message on the dead-letter queue", () -> dead().contains("poison"));
        assertEquals(List.of("poison"), dead(), "only the message that kept failing");
        assertEquals(6, refused.size(), "each refused message handled (and not redelivered after that)");
        assertTrue(handled.values().stream().allMatch(times -> times < 3),
                "a batch-mate of the poison message is not handled in every one of its failed batches: " + handled);
        var summary = meters.get("mailgate.queue.batch").summary();
        assertTrue(summary.max() > 1, "waiting messages were taken together");
        assertTrue(summary.count() < 150, summary.count() + " transactions for 300 messages and the redeliveries");
    }

    private List<String> dead() throws Exception {
        List<String> bodies = new ArrayList<>();
        try (JMSContext session = connections.createContext(JMSContext.SESSION_TRANSACTED);
             var browser = session.createBrowser(session.createQueue("DLQ"))) {
            for (var messages = browser.getEnumeration(); messages.hasMoreElements(); ) {
                bodies.add(((Message) messages.nextElement()).getBody(String.class));
            }
        }
        return bodies;
    }
}
