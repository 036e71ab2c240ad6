package io.mailgate.platform.broker;

import java.util.Set;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;

/**
 * A message accepted on one of Mailgate's ingress addresses is stored, whatever durability its producer
 * chose, and one over the size limit is not accepted at all: an AMQP producer's default (and a JMS NON_PERSISTENT send) would otherwise live in memory only
 * until a consumer took it, and a crash in between lost it although the broker had said "accepted".
 */
final class DurableIngress implements ActiveMQServerMessagePlugin {

    private final Set<String> addresses;
    private final long maxBytes;

    /** @param maxBytes the largest message the ingress addresses take (mailgate.queue.max-message-bytes) */
    DurableIngress(Set<String> addresses, long maxBytes) {
        this.addresses = Set.copyOf(addresses);
        this.maxBytes = maxBytes;
    }

    /**
     * A message larger than the limit is refused at the broker, before it is queued: its producer gets an
     * error (as an HTTP client gets a 413), and no consumer ever reads it into memory.
     */
    @Override
    public void beforeSend(org.apache.activemq.artemis.core.server.ServerSession session,
                           org.apache.activemq.artemis.core.transaction.Transaction tx, Message message, boolean direct,
                           boolean noAutoCreateQueue) throws org.apache.activemq.artemis.api.core.ActiveMQException {
        // A core text message holds two bytes per character; the limit counts characters for it (as the
        // consumer does) and bytes for the UTF-8 of AMQP.
        long limit = message instanceof org.apache.activemq.artemis.api.core.ICoreMessage ? 2 * maxBytes : maxBytes;
        if (addresses.contains(message.getAddress()) && message.getWholeMessageSize() > limit) {
            throw new org.apache.activemq.artemis.api.core.ActiveMQIllegalStateException("The message is "
                    + message.getWholeMessageSize() + " bytes, more than the limit of " + limit + " (mailgate.queue.max-message-bytes)");
        }
    }

    /**
     * Stores the message durably, and marks a large one (a streamed message, or 100 KB and more) with
     * {@value #LARGE}: the send queue's consumers of small messages select {@code mailgate_large IS NULL},
     * one consumer takes the large ones, so that the heap holds one large message at a time (a JMS consumer
     * reads a message whole before Mailgate sees it).
     */
    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
        if (!addresses.contains(message.getAddress())) {
            return;
        }
        if (!message.isDurable()) {
            message.setDurable(true);
        }
        if (message.isLargeMessage() || message.getWholeMessageSize() >= LARGE_BYTES) {
            message.putBooleanProperty(LARGE, true);
        }
    }

    /** The property that marks a large message on an ingress address. */
    static final String LARGE = "mailgate_large";
    private static final int LARGE_BYTES = 100 * 1024;
}
