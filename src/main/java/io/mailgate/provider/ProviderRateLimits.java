package io.mailgate.provider;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.ExchangeProperty;
import org.jdbi.v3.core.Jdbi;

import io.mailgate.platform.db.UniqueViolation;

/**
 * A provider's {@code rate_limit} (mails per second), held across every instance that shares the
 * database: the sends of each one-second window are counted in {@code provider_rate_window}, one row
 * per provider, and a send that finds the window full waits for the next one. Each step is one
 * conditional statement, so two instances (or two workers) never both take the last permit: an
 * increment only while {@code used < limit}, a new window only while the stored one is older.
 * Windows follow each instance's clock; clocks a little apart only make a window start a little early
 * or late, never let more than the limit through one window.
 */
public class ProviderRateLimits {

    /** Waits for the next window spread a little, so that the waiting workers do not all ask at its first instant. */
    private static final int SPREAD_MILLIS = 20;

    /** How a waiting send waits; a test replaces it to move its clock instead. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Sleeper sleeper;

    public ProviderRateLimits(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, Thread::sleep);
    }

    ProviderRateLimits(Jdbi jdbi, Clock clock, Sleeper sleeper) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Waits until the delivery's current provider may take one more mail in this second, then counts it. */
    public void acquire(@ExchangeProperty(Delivery.PROPERTY) Delivery delivery) throws InterruptedException {
        take(delivery.current().key(), delivery.current().rateLimit());
    }

    /** Waits until {@code provider} may take one more mail within {@code perSecond}, then counts it. */
    void take(String provider, int perSecond) throws InterruptedException {
        while (true) {
            long now = clock.millis();
            long window = now / 1000;
            if (tryTake(provider, perSecond, window)) {
                return;
            }
            sleeper.sleep((window + 1) * 1000 - now + ThreadLocalRandom.current().nextInt(SPREAD_MILLIS));
        }
    }

    /** One permit of this window, if there is one left (a new window starts with this permit). */
    boolean tryTake(String provider, int perSecond, long window) {
        return jdbi.withHandle(handle -> {
            for (int attempt = 0; ; attempt++) {
                if (handle.createUpdate("UPDATE provider_rate_window SET used = used + 1 "
                                + "WHERE config_key = :key AND window_start = :window AND used < :limit")
                        .bind("key", provider).bind("window", window).bind("limit", perSecond).execute() == 1) {
                    return true;
                }
                if (handle.createUpdate("UPDATE provider_rate_window SET window_start = :window, used = 1 "
                                + "WHERE config_key = :key AND window_start < :window")
                        .bind("key", provider).bind("window", window).execute() == 1) {
                    return true;
                }
                if (handle.createQuery("SELECT 1 FROM provider_rate_window WHERE config_key = :key")
                        .bind("key", provider).mapTo(Integer.class).findOne().isPresent()) {
                    return false;
                }
                try {
                    handle.createUpdate("INSERT INTO provider_rate_window (config_key, window_start, used) "
                                    + "VALUES (:key, :window, 1)")
                            .bind("key", provider).bind("window", window).execute();
                    return true;
                } catch (RuntimeException e) {
                    // Another instance counted the provider's first send at the same moment: count again, as an update.
                    if (attempt > 0 || !UniqueViolation.is(e)) {
                        throw e;
                    }
                }
            }
        });
    }
}
