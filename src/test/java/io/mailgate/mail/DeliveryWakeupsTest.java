package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.SynchronizationAdapter;
import org.junit.jupiter.api.Test;

/**
 * A wake-up is a signal of its own: when the dispatcher is busy and a signal already waits, the caller's
 * completions (a queue message's memory reservation, say) still run when the caller ends. An in-only
 * SEDA send of the caller's exchange handed them to a copy that was then dropped.
 */
class DeliveryWakeupsTest {

    @Test
    void aDroppedSignalTakesNothingOfItsCaller() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        try (CamelContext context = new DefaultCamelContext()) {
            DeliveryWakeups wakeups = new DeliveryWakeups(context);
            AtomicInteger completed = new AtomicInteger();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("seda:dispatch-mails?size=1").process(exchange -> busy.await(10, TimeUnit.SECONDS));
                    from("direct:caller")
                            .process(exchange -> exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                                @Override
                                public void onDone(Exchange done) {
                                    completed.incrementAndGet();
                                }
                            }))
                            .process(exchange -> wakeups.wake());
                }
            });
            context.start();
            for (int i = 0; i < 5; i++) {
                context.createProducerTemplate().sendBody("direct:caller", "mail " + i);
            }
            assertEquals(5, completed.get(), "every caller's completions ran, though most signals were dropped");
            busy.countDown();
        }
    }
}
