package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;

/**
 * Decides which providers may deliver a mail, in which order: the enabled email configs that have
 * their secrets (outbox needs none), by priority; when there is none, the provider configured in
 * the file (SMTP or the outbox). Read per mail, so a config change applies to the next mail.
 */
public class DeliveryPlanner {

    static final String VIA_PROVIDER = "direct:deliver-via-provider";

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

    public DeliveryAttempts plan() {
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

    /** The dynamic router's next stop: the next provider, or null once delivered or out of providers. */
    public String next(DeliveryAttempts attempts) {
        return attempts.advance() ? VIA_PROVIDER : null;
    }

    public void succeeded(DeliveryAttempts attempts, String providerMessageId) {
        attempts.succeeded(providerMessageId);
    }

    public void failed(DeliveryAttempts attempts, Throwable failure) {
        attempts.failed(ProviderErrors.describe(failure));
    }
}
