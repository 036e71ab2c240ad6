package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.ServiceStatus;

/**
 * Decides which providers may deliver a mail, in which order: the enabled email configs that have
 * their secrets (outbox needs none), by priority; when there is none, the provider configured in
 * the file (SMTP or the outbox). A config change applies to the next mail (one made through another
 * instance, within a second: see {@link EmailConfigStore#enabledInOrder()}).
 */
public class DeliveryPlanner {

    static final String VIA_PROVIDER = "direct:deliver-via-provider";
    static final String ATTEMPTS = "attempts";

    private final CamelContext context;
    private final EmailConfigStore store;
    private final ProviderRoutes routes;
    private final Provider fallback;
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    public DeliveryPlanner(CamelContext context, EmailConfigStore store, ProviderRoutes routes, Provider fallback) {
        this.context = context;
        this.store = store;
        this.routes = routes;
        this.fallback = fallback;
    }

    /**
     * Sets the exchange property {@code attempts} to the delivery's plan, {@code delivered} to false
     * and {@code failureReason} to why no provider took it, until one does.
     */
    public void plan(Exchange exchange) {
        DeliveryAttempts attempts = plannedAttempts();
        exchange.setProperty(ATTEMPTS, attempts);
        exchange.setProperty("delivered", false);
        exchange.setProperty("failureReason", attempts.failureReason());
    }

    private DeliveryAttempts plannedAttempts() {
        List<Provider> providers = new ArrayList<>();
        for (EmailConfig config : store.enabledInOrder()) {
            if (config.usable()) {
                routes.prepare(config);
                String endpoint = "kamelet:" + config.type().kamelet() + "/" + config.routeId();
                ensureStarted(endpoint, config.routeId());
                providers.add(new Provider(config.key(), config.type().wire(), endpoint,
                        config.rateLimit().orElse(Provider.UNLIMITED), config.detail("from_address")));
            }
        }
        if (providers.isEmpty()) {
            ensureStarted(fallback.endpoint(), fallback.endpoint().substring(fallback.endpoint().indexOf('/') + 1));
            return new DeliveryAttempts(List.of(fallback));
        }
        return new DeliveryAttempts(providers);
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

    /**
     * The dynamic router's next stop: the next provider, or null once delivered or out of providers.
     * For the provider it goes to it sets the exchange properties {@code provider}, {@code providerKey},
     * {@code providerType}, {@code providerEndpoint} and {@code providerRateLimit} (0: not limited).
     */
    public String next(Exchange exchange) {
        DeliveryAttempts attempts = attempts(exchange);
        if (!attempts.advance()) {
            return null;
        }
        Provider provider = attempts.current();
        exchange.setProperty("provider", provider);
        exchange.setProperty("providerKey", provider.key());
        exchange.setProperty("providerType", provider.type());
        exchange.setProperty("providerEndpoint", provider.endpoint());
        exchange.setProperty("providerRateLimit", provider.rateLimit());
        return VIA_PROVIDER;
    }

    /**
     * The provider took the mail: sets {@code delivered} and {@code providerMessageId}. Reached after a
     * failure too (routing continues), and then ignored.
     */
    public void succeeded(Exchange exchange, @Header("ProviderMessageId") String providerMessageId) {
        DeliveryAttempts attempts = attempts(exchange);
        attempts.succeeded(providerMessageId);
        exchange.setProperty("delivered", attempts.delivered());
        exchange.setProperty("providerMessageId", attempts.messageId());
    }

    /** The provider refused or failed for good: sets {@code failureReason}, all providers' reasons so far. */
    public void failed(Exchange exchange, Throwable failure) {
        DeliveryAttempts attempts = attempts(exchange);
        attempts.failed(ProviderErrors.describe(failure));
        exchange.setProperty("failureReason", attempts.failureReason());
    }

    private static DeliveryAttempts attempts(Exchange exchange) {
        return exchange.getProperty(ATTEMPTS, DeliveryAttempts.class);
    }
}
