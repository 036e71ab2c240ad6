package io.mailgate.provider;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.ExchangeProperty;
import org.jdbi.v3.core.Jdbi;

import io.mailgate.platform.db.UniqueViolation;

/**
 * A provider's {@code rate_limit} (mails per second), held across every instance that shares the
 * database: sends are counted in {@code provider_rate_window}, one row per provider, per window of a
 * second that begins with the first send after the last window ended (as Camel's throttle counts a
 * period), and a send that finds the window full waits for its end. Each step is one conditional
 * statement, so two instances (or two workers) never both take the last permit: an increment only while
 * the window runs and {@code used < limit}, a new window only once the stored one has ended. Clocks a
 * little apart only make a window start a little early or late, never let more than the limit through one.
 */
public class ProviderRateLimits {

    /** Waits for the next window spread a little, so that the waiting workers do not all ask at its first instant. */
    private static final int SPREAD_MILLIS = 20;
    private static final long WINDOW_MILLIS = 1000;

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
            long ends = tryTake(provider, perSecond, now);
            if (ends == 0) {
                return;
            }
            sleeper.sleep(Math.max(1, ends - now) + ThreadLocalRandom.current().nextInt(SPREAD_MILLIS));
        }
    }

    /**
     * One permit, if the current window has one left or a new window may begin (it begins with this
     * permit): 0 then; otherwise when the full window ends.
     */
    long tryTake(String provider, int perSecond, long now) {
        return jdbi.withHandle(handle -> {
            for (int attempt = 0; ; attempt++) {
                if (handle.createUpdate("UPDATE provider_rate_window SET used = used + 1 "
                                + "WHERE config_key = :key AND window_start > :ended AND used < :limit")
                        .bind("key", provider).bind("ended", now - WINDOW_MILLIS).bind("limit", perSecond).execute() == 1) {
                    return 0L;
                }
                if (handle.createUpdate("UPDATE provider_rate_window SET window_start = :now, used = 1 "
                                + "WHERE config_key = :key AND window_start <= :ended")
                        .bind("key", provider).bind("now", now).bind("ended", now - WINDOW_MILLIS).execute() == 1) {
                    return 0L;
                }
                java.util.Optional<Long> running = handle.createQuery("SELECT window_start FROM provider_rate_window "
                                + "WHERE config_key = :key")
                        .bind("key", provider).mapTo(Long.class).findOne();
                if (running.isPresent()) {
                    return running.get() + WINDOW_MILLIS;
                }
                try {
                    handle.createUpdate("INSERT INTO provider_rate_window (config_key, window_start, used) "
                                    + "VALUES (:key, :now, 1)")
                            .bind("key", provider).bind("now", now).execute();
                    return 0L;
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
