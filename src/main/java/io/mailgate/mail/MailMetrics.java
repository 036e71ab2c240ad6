package io.mailgate.mail;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;


/** Mailgate's own meters, next to Camel's and the JVM's at /observe/metrics. */
public class MailMetrics {

    private final MeterRegistry registry;
    private final Counter accepted;

    public MailMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("mailgate.mails.accepted").description("Mails accepted (REST or queue)").register(registry);
    }

    public void accepted() {
        accepted.increment();
    }

    /** A mail delivered through a provider, and how long it took from acceptance. */
    public void sent(DeliveryOutcome outcome) {
        String provider = outcome.providerKey();
        counter("mailgate.mails.sent", "Mails delivered", provider).increment();
        Timer.builder("mailgate.delivery.latency").description("From acceptance to delivery").tag("provider", provider)
                .publishPercentileHistogram().register(registry)
                .record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - outcome.outbound().mail().creationTimestamp())));
    }

    public void failed(DeliveryOutcome outcome) {
        counter("mailgate.mails.failed", "Mails that failed on every provider", outcome.providerKey()).increment();
        counter("mailgate.mails.dead.lettered", "Mails kept as dead letters", outcome.providerKey()).increment();
    }

    /** Every recipient was on the suppression list: the mail went to no provider. */
    public void suppressed(DeliveryOutcome outcome) {
        registry.counter("mailgate.mails.suppressed").increment();
    }

    /** An attempt that could not deliver for now: the mail waits in the database for its next attempt. */
    public void deferred(DeliveryOutcome outcome) {
        counter("mailgate.mails.deferred", "Delivery attempts deferred to a later attempt", outcome.providerKey()).increment();
    }

    /** The mails waiting for a later attempt, and the seconds until the first of them is due. */
    void watchDeferred(DeliveryClaims claims) {
        io.micrometer.core.instrument.Gauge.builder("mailgate.mails.deferred.waiting", claims, c -> c.deferredStats()[0])
                .description("Mails waiting for a later delivery attempt").register(registry);
        io.micrometer.core.instrument.Gauge.builder("mailgate.mails.deferred.next.attempt.seconds", claims,
                        c -> c.deferredStats()[1])
                .description("Seconds until the next deferred mail is due (0 when none waits or one is due)").register(registry);
        io.micrometer.core.instrument.Gauge.builder("mailgate.delivery.in.flight", claims, DeliveryClaims::inFlight)
                .description("Mails this instance has claimed and is delivering").register(registry);
    }

    public void deadLetter(String source) {
        Counter.builder("mailgate.dead.letters").description("Dead letters recorded").tag("source", source)
                .register(registry).increment();
    }

    private Counter counter(String name, String description, String provider) {
        return Counter.builder(name).description(description).tag("provider", provider == null ? "none" : provider)
                .register(registry);
    }
}
