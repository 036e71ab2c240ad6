package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import jakarta.mail.MessagingException;

import org.apache.camel.CamelContext;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.ServiceStatus;

import io.mailgate.kamelet.EnvelopedMessage;
import io.mailgate.mail.MimeMessageBuilder;
import io.mailgate.mail.OutboundMail;

/**
 * Decides which providers may deliver a mail, in which order, and answers deliver-mail's questions
 * about the {@link Delivery} it carries. The providers are the enabled email configs that have their
 * secrets (outbox needs none), by priority; when there is none, the provider configured in the file
 * (SMTP or the outbox). A config change applies to the next mail (one made through another instance,
 * within a second: see {@link EmailConfigStore#enabledInOrder()}).
 */
public class DeliveryPlanner {

    private final CamelContext context;
    private final EmailConfigStore store;
    private final ProviderRoutes routes;
    private final Provider fallback;
    private final MimeMessageBuilder messages;
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    public DeliveryPlanner(CamelContext context, EmailConfigStore store, ProviderRoutes routes, Provider fallback,
                           MimeMessageBuilder messages) {
        this.context = context;
        this.store = store;
        this.routes = routes;
        this.fallback = fallback;
        this.messages = messages;
    }

    /** The delivery of a claimed mail, with the providers it may go through. */
    public Delivery plan(OutboundMail outbound) {
        List<Provider> providers = new ArrayList<>();
        for (EmailConfig config : store.enabledInOrder()) {
            if (config.usable()) {
                routes.prepare(config);
                String endpoint = "kamelet:" + config.type().kamelet() + "/" + config.routeId();
                ensureStarted(endpoint, config.routeId());
                providers.add(new Provider(config.key(), endpoint, config.rateLimit().orElse(Provider.UNLIMITED),
                        config.detail("from_address")));
            }
        }
        if (providers.isEmpty()) {
            ensureStarted(fallback.endpoint(), fallback.endpoint().substring(fallback.endpoint().indexOf('/') + 1));
            providers.add(fallback);
        }
        return new Delivery(outbound, providers);
    }

    /** The loop's condition: moves to the next provider; false once the mail is delivered or every provider failed. */
    public boolean nextProvider(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.advance();
    }

    /** True once a provider took the mail. */
    public boolean delivered(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.delivered();
    }

    public boolean rateLimited(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.current().rateLimit() > 0;
    }

    /** Mails per second through the current provider, for everything this instance sends. */
    public int rateLimit(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.current().rateLimit();
    }

    public String providerKey(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.providerKey();
    }

    /** The kamelet endpoint of the current provider. */
    public String endpoint(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) {
        return delivery.current().endpoint();
    }

    /** The message for the current provider (its from_address may replace the default sender), built once per provider. */
    public EnvelopedMessage message(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) throws MessagingException {
        if (delivery.message() == null) {
            delivery.message(messages.build(delivery.outbound(), delivery.current().fromAddress()));
        }
        return delivery.message();
    }

    /** The envelope's sender: MailEnvelopeFrom. */
    public String envelopeFrom(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) throws MessagingException {
        return message(delivery).getEnvelopeFrom();
    }

    /** Every recipient, blind ones included: MailEnvelopeTo. */
    public String envelopeTo(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) throws MessagingException {
        return message(delivery).getEnvelopeTo();
    }

    /** The provider took the mail; its message id is in the ProviderMessageId header every kamelet sets. */
    public void succeeded(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery,
                          @Header("ProviderMessageId") String providerMessageId) {
        delivery.succeeded(providerMessageId);
    }

    /** The provider refused, or failed for good: the reason joins the delivery's failures. */
    public void failed(Delivery delivery, Throwable failure) {
        delivery.failed(ProviderErrors.describe(failure));
    }

    /**
     * A provider's kamelet route is made on first use. Made here, once, under a lock, and waited for
     * until it runs: otherwise concurrent deliveries reach it while it is still starting.
     */
    private void ensureStarted(String endpoint, String routeId) {
        if (started.contains(routeId)) {
            return;
        }
        synchronized (started) {
            if (started.contains(routeId)) {
                return;
            }
            context.getEndpoint(endpoint);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!ServiceStatus.Started.equals(context.getRouteController().getRouteStatus(routeId))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The provider route " + routeId + " did not start");
                }
                LockSupport.parkNanos(5_000_000L);
            }
            started.add(routeId);
        }
    }
}
