package io.mailgate.platform.broker;

import java.util.Set;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;

/**
 * A message accepted on one of Mailgate's ingress addresses is stored, whatever durability its producer
 * chose: an AMQP producer's default (and a JMS NON_PERSISTENT send) would otherwise live in memory only
 * until a consumer took it, and a crash in between lost it although the broker had said "accepted".
 */
final class DurableIngress implements ActiveMQServerMessagePlugin {

    private final Set<String> addresses;

    DurableIngress(Set<String> addresses) {
        this.addresses = Set.copyOf(addresses);
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
        if (!message.isDurable() && addresses.contains(message.getAddress())) {
            message.setDurable(true);
        }
    }
}
