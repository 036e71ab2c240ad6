package io.mailgate.provider;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Each provider's circuit in /observe/health: closed, open (skipped, mails fail over or wait) or
 * half-open (probing), with its failure rate and last transient error. Always up: a provider that is
 * down does not stop Mailgate from accepting mails, which wait for it; readiness must not drop.
 */
public class ProviderHealthCheck extends AbstractHealthCheck {

    private final ProviderCircuits circuits;

    public ProviderHealthCheck(ProviderCircuits circuits) {
        super("mailgate", "providers");
        this.circuits = circuits;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        circuits.describe().forEach((provider, details) ->
                details.forEach((name, value) -> builder.detail(provider + "." + name, value)));
        long open = circuits.describe().values().stream().filter(d -> !"closed".equals(d.get("circuit"))).count();
        builder.message(open == 0 ? "every provider's circuit is closed" : open + " provider circuit(s) open or probing");
        builder.up();
    }
}
