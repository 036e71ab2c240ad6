package io.mailgate.support;

import java.util.Map;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;

/**
 * A service dropping messages on Mailgate's queue over the broker's TCP port, as another application
 * would: over Artemis' core protocol, or over AMQP 1.0 with Qpid JMS.
 */
public final class QueueProducer implements AutoCloseable {

    public static final String SEND_QUEUE = "mailgate.mail.send";

    private final JMSContext context;
    private final Runnable closeFactory;

    private QueueProducer(ConnectionFactory factory, Runnable closeFactory) {
        this.context = factory.createContext();
        this.closeFactory = closeFactory;
    }

    /** Artemis core protocol. */
    public QueueProducer(int brokerPort) {
        this(new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=0"));
    }

    private QueueProducer(ActiveMQConnectionFactory factory) {
        this(factory, factory::close);
    }

    /** AMQP 1.0, the protocol any other broker and client library speaks. */
    public static QueueProducer amqp(int brokerPort) {
        return new QueueProducer(new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort), () -> { });
    }

    /**
     * AMQP 1.0 where every send, persistent or not, returns only once the broker accepted the message
     * (Qpid JMS sends non-persistent messages asynchronously otherwise: a returned send is not yet accepted).
     */
    public static QueueProducer amqpAccepted(int brokerPort) {
        return new QueueProducer(new JmsConnectionFactory("amqp://127.0.0.1:" + brokerPort + "?jms.forceSyncSend=true"), () -> { });
    }

    /** Sends persistently; returns once the broker has the message. */
    public void send(String body, Map<String, String> properties) {
        sendTo(SEND_QUEUE, body, properties);
    }

    public void sendTo(String queue, String body, Map<String, String> properties) {
        sendTo(queue, body, properties, DeliveryMode.PERSISTENT);
    }

    /** As a producer that does not ask for durability (AMQP's default): returns once the broker accepted it. */
    public void sendNonPersistent(String body, Map<String, String> properties) {
        sendTo(SEND_QUEUE, body, properties, DeliveryMode.NON_PERSISTENT);
    }

    private void sendTo(String queue, String body, Map<String, String> properties, int deliveryMode) {
        TextMessage message = context.createTextMessage(body);
        JMSProducer producer = context.createProducer().setDeliveryMode(deliveryMode);
        properties.forEach(producer::setProperty);
        producer.send(context.createQueue(queue), message);
    }

    @Override
    public void close() {
        context.close();
        closeFactory.run();
    }
}
