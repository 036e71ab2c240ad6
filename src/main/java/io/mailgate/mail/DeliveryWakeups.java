package io.mailgate.mail;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;

/**
 * Signals the delivery dispatcher (route dispatch-mails) with an exchange of its own. A copy of the
 * caller's exchange would not do: an in-only SEDA send hands the caller's completions over to the copy,
 * and a signal dropped because one already waits would take them along — a queue message's or a
 * request's memory reservation was never given back.
 */
public final class DeliveryWakeups {

    private final CamelContext context;
    private volatile ProducerTemplate producer;
    private volatile Endpoint dispatcher;

    DeliveryWakeups(CamelContext context) {
        this.context = context;
    }

    public void wake() {
        if (producer == null) {
            start();
        }
        producer.sendBody(dispatcher, ExchangePattern.InOnly, "wake");
    }

    /** On the first signal (the context is running by then). */
    private synchronized void start() {
        if (producer == null) {
            // One signal waits at most; more add nothing (the stored rows say what is due).
            dispatcher = context.getEndpoint("seda:dispatch-mails?size=1&blockWhenFull=false&discardWhenFull=true");
            producer = context.createProducerTemplate();
        }
    }
}
