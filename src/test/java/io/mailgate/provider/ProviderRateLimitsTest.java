package io.mailgate.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rate limit counted in the database: never more than the limit in one second, however many
 * instances and workers ask at once, and a full second hands the rest to the next one.
 */
class ProviderRateLimitsTest {

    private static final long START = 1_800_000_000_000L;
    private Jdbi jdbi;

    @BeforeEach
    void schema() {
        String url = "jdbc:h2:mem:rates" + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        jdbi = Jdbi.create(url, "sa", "");
    }

    @Test
    void sendsBeyondTheLimitWaitForTheNextSecond() throws Exception {
        MovingClock clock = new MovingClock(START);
        List<Long> waits = new ArrayList<>();
        ProviderRateLimits limits = new ProviderRateLimits(jdbi, clock, millis -> {
            waits.add(millis);
            clock.advance(millis);
        });
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            limits.take("mailgun-eu", 3);
            seconds.add((clock.millis() - START) / 1000);
            clock.advance(100);
        }
        assertEquals(List.of(0L, 0L, 0L, 1L, 1L, 1L, 2L), seconds, "a window is a second from its first send");
        assertEquals(2, waits.size(), "one wait per full window");
        assertEquals(true, waits.get(0) >= 700 && waits.get(0) < 720, "waited for the window's end: " + waits);
        long before = clock.millis();
        limits.take("ses-us", 3);
        assertEquals(before, clock.millis(), "another provider has a count of its own");
    }

    @Test
    void instancesAndWorkersAskingAtOnceShareOneLimit() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(START), ZoneOffset.UTC);
        List<ProviderRateLimits> instances = List.of(new ProviderRateLimits(jdbi, clock), new ProviderRateLimits(jdbi, clock),
                new ProviderRateLimits(jdbi, clock));
        ExecutorService workers = Executors.newFixedThreadPool(9);
        try {
            List<Callable<Integer>> asks = new ArrayList<>();
            for (int worker = 0; worker < 9; worker++) {
                ProviderRateLimits instance = instances.get(worker % 3);
                asks.add(() -> {
                    int granted = 0;
                    for (int i = 0; i < 20; i++) {
                        granted += instance.tryTake("shared", 25, START + 10) == 0 ? 1 : 0;
                    }
                    return granted;
                });
            }
            int granted = 0;
            for (Future<Integer> result : workers.invokeAll(asks)) {
                granted += result.get();
            }
            assertEquals(25, granted, "180 asks in one second, 25 permits");
        } finally {
            workers.shutdownNow();
        }
        assertEquals(START + 1010, instances.get(1).tryTake("shared", 25, START + 500), "full: wait for the window's end");
        assertEquals(0, instances.get(0).tryTake("shared", 25, START + 1010), "a second after its first send, a new window");
        for (int i = 1; i < 25; i++) {
            assertEquals(0, instances.get(1).tryTake("shared", 25, START + 990), "a clock a little late counts in the same window");
        }
        assertEquals(START + 2010, instances.get(2).tryTake("shared", 25, START + 1500), "and the window is full for everyone");
    }

    /** A clock the sleeper moves. */
    private static final class MovingClock extends Clock {
        private final AtomicLong now;

        MovingClock(long start) {
            now = new AtomicLong(start);
        }

        void advance(long millis) {
            now.addAndGet(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    }
}
