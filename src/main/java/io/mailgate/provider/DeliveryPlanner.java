package io.mailgate.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which providers may deliver a mail, in which order: the enabled email configs that have
 * their secrets (outbox needs none), by priority; when there is none, the provider configured in
 * the file (SMTP or the outbox). Read per mail, so a config change applies to the next mail.
 */
public class DeliveryPlanner {

    static final String VIA_PROVIDER = "direct:deliver-via-provider";

    private final EmailConfigStore store;
    private final ProviderRoutes routes;
    private final Provider fallback;

    public DeliveryPlanner(EmailConfigStore store, ProviderRoutes routes, Provider fallback) {
        this.store = store;
        this.routes = routes;
        this.fallback = fallback;
    }

    public DeliveryAttempts plan() {
        List<Provider> providers = new ArrayList<>();
        for (EmailConfig config : store.enabledInOrder()) {
            if (config.usable()) {
                routes.prepare(config);
                providers.add(new Provider(config.key(), config.type().wire(),
                        "kamelet:" + config.type().kamelet() + "/" + config.routeId(),
                        config.rateLimit().orElse(Provider.UNLIMITED), config.detail("from_address")));
            }
        }
        return new DeliveryAttempts(providers.isEmpty() ? List.of(fallback) : providers);
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
