package io.mailgate.platform.broker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;

import org.springframework.jms.support.destination.DestinationResolver;

/**
 * Resolves each queue or topic name once. Spring asks the session on every send, and Artemis answers
 * {@code createQueue} with a round trip to the broker; the destination objects themselves are plain
 * names that any session can use.
 */
public class KnownDestinations implements DestinationResolver {

    private final Map<String, Destination> queues = new ConcurrentHashMap<>();
    private final Map<String, Destination> topics = new ConcurrentHashMap<>();

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSub) throws JMSException {
        Map<String, Destination> known = pubSub ? topics : queues;
        Destination destination = known.get(name);
        if (destination == null) {
            destination = pubSub ? session.createTopic(name) : session.createQueue(name);
            known.put(name, destination);
        }
        return destination;
    }
}
