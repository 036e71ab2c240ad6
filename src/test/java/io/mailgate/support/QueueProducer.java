package io.mailgate.support;

import java.util.Map;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A service dropping messages on Mailgate's queue over the broker's TCP port (Artemis core protocol). */
public final class QueueProducer implements AutoCloseable {

    public static final String SEND_QUEUE = "mailgate.mail.send";

    private final ActiveMQConnectionFactory factory;
    private final JMSContext context;

    public QueueProducer(int brokerPort) {
        factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=0");
        context = factory.createContext();
    }

    /** Sends persistently; returns once the broker has the message. */
    public void send(String body, Map<String, String> properties) {
        sendTo(SEND_QUEUE, body, properties);
    }

    public void sendTo(String queue, String body, Map<String, String> properties) {
        TextMessage message = context.createTextMessage(body);
        JMSProducer producer = context.createProducer();
        properties.forEach(producer::setProperty);
        producer.send(context.createQueue(queue), message);
    }

    @Override
    public void close() {
        context.close();
        factory.close();
    }
}
