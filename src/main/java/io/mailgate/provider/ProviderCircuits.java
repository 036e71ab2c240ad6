package io.mailgate.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.mailgate.mail.DeliverySettings;

/**
 * One circuit breaker per provider (resilience4j): after repeated transient failures a provider is
 * skipped at once in favour of the next, and probed again after a pause. Only transient failures count
 * against it — a provider that refuses one mail for good is up. Its state and last error are shown by
 * /observe/health and the metric {@code mailgate.provider.circuit.state} (0 closed, 1 open, 2 half-open).
 */
public class ProviderCircuits {

    private final CircuitBreakerRegistry registry;
    private final MeterRegistry meters;
    private final java.util.function.Consumer<String> recovered;
    private final Map<String, LastError> lastErrors = new ConcurrentHashMap<>();
    /** The kamelet endpoint each provider was last called through: a new one is a changed config. */
    private final Map<String, String> endpoints = new ConcurrentHashMap<>();

    /** The last transient failure of a provider (its kind, code and exception class), and when. */
    public record LastError(String description, Instant at) {
    }

    /**
     * @param recovered told the key of a provider whose circuit closes again after a probe went through
     *                  (its deferred mails need not wait for their schedule)
     */
    public ProviderCircuits(DeliverySettings.Circuit settings, MeterRegistry meters, java.util.function.Consumer<String> recovered) {
        this.meters = meters;
        this.recovered = recovered;
        this.registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(Math.min(settings.minimumCalls(), settings.window()))
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(Duration.ofMillis(settings.openMillis()))
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
    }

    /**
     * True when the provider may be called now (closed, or half-open with a probe to spare). A provider
     * whose config changed (another kamelet endpoint: new details, new secrets, a trusted CA) starts
     * afresh with a closed circuit: what failed was the old config.
     */
    public boolean permits(String provider, String endpoint) {
        CircuitBreaker breaker = breaker(provider);
        String before = endpoints.put(provider, endpoint);
        if (before != null && !before.equals(endpoint)) {
            breaker.reset();
            lastErrors.remove(provider);
        }
        return breaker.tryAcquirePermission();
    }

    /** The provider answered: delivered, or refused the mail for good. */
    public void answered(String provider, long startedNanos) {
        breaker(provider).onSuccess(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    /** The provider failed transiently; what is kept of it names no value (no server text, no address). */
    public void failed(String provider, long startedNanos, ProviderErrors.Failure failure, Throwable cause) {
        Throwable root = cause;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String summary = failure.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (failure.code() > 0 ? " " + failure.code() : "") + (root == null ? "" : " " + root.getClass().getSimpleName());
        lastErrors.put(provider, new LastError(summary, Instant.now()));
        breaker(provider).onError(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS,
                new IllegalStateException(failure.kind().name()));
    }

    /** The provider's last transient failure in short (kind, code, exception class), or "unknown". */
    public String lastError(String provider) {
        LastError last = lastErrors.get(provider);
        return last == null ? "unknown" : last.description();
    }

    public CircuitBreaker.State state(String provider) {
        return breaker(provider).getState();
    }

    /** Every provider called so far: its circuit's state, failure rate and last transient error. */
    public Map<String, Map<String, Object>> describe() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        registry.getAllCircuitBreakers().stream().sorted(java.util.Comparator.comparing(CircuitBreaker::getName))
                .forEach(breaker -> {
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("circuit", breaker.getState().name().toLowerCase(java.util.Locale.ROOT));
                    float rate = breaker.getMetrics().getFailureRate();
                    details.put("failure_rate_percent", rate < 0 ? null : rate);
                    LastError last = lastErrors.get(breaker.getName());
                    if (last != null) {
                        details.put("last_error", last.description());
                        details.put("last_error_at", last.at().toString());
                    }
                    all.put(breaker.getName(), details);
                });
        return all;
    }

    private CircuitBreaker breaker(String provider) {
        return registry.find(provider).orElseGet(() -> {
            CircuitBreaker breaker = registry.circuitBreaker(provider);
            breaker.getEventPublisher().onStateTransition(event -> {
                if (event.getStateTransition() == CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED) {
                    recovered.accept(provider);
                }
            });
            Gauge.builder("mailgate.provider.circuit.state", breaker, b -> switch (b.getState()) {
                        case OPEN, FORCED_OPEN -> 1;
                        case HALF_OPEN -> 2;
                        default -> 0;
                    }).description("A provider's circuit: 0 closed, 1 open (skipped), 2 half-open (probing)")
                    .tag("provider", provider).register(meters);
            return breaker;
        });
    }
}
