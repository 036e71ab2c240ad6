package io.mailgate.platform.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * Liveness goes DOWN only when the pool has stayed exhausted, or housekeeping has kept failing, past the stall
 * limit, and comes back with it; an external database's outage is not a reason to restart.
 */
class ProgressHealthCheckTest {

    @Test
    void anExhaustedPoolPastTheLimitIsDownAndRecovers() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Pool pool = new Pool();
        ProgressHealthCheck check = new ProgressHealthCheck(pool, 60_000, false, now::get);
        check.setCamelContext(new DefaultCamelContext());
        assertEquals(HealthCheck.State.UP, state(check));
        pool.idle = 0;
        pool.waiting = 3;
        now.addAndGet(30_000);
        assertEquals(HealthCheck.State.UP, state(check), "exhausted for 30 s: still live");
        now.addAndGet(31_000);
        assertEquals(HealthCheck.State.DOWN, state(check), "exhausted for 61 s: stalled");
        pool.idle = 2;
        pool.waiting = 0;
        assertEquals(HealthCheck.State.UP, state(check));
        pool.idle = 0;
        pool.waiting = 1;
        now.addAndGet(600_000);
        assertEquals(HealthCheck.State.UP, state(check), "first seen exhausted after a long quiet: counted from now");
    }

    @Test
    void housekeepingThatKeepsFailingIsAnErrorLoop() {
        AtomicLong now = new AtomicLong(1_000_000);
        ProgressHealthCheck check = new ProgressHealthCheck(new Pool(), 60_000, false, now::get);
        check.setCamelContext(new DefaultCamelContext());
        for (int second = 0; second <= 60; second++) {
            check.roundFailed(new IllegalStateException("a bug"));
            assertEquals(HealthCheck.State.UP, state(check), "failing for " + second + " s");
            now.addAndGet(1_000);
        }
        check.roundFailed(new IllegalStateException("a bug"));
        assertEquals(HealthCheck.State.DOWN, state(check), "failing every second for 61 s");
        now.addAndGet(ProgressHealthCheck.STREAK_GAP_MILLIS + 1);
        assertEquals(HealthCheck.State.UP, state(check), "a round went through: the loop is over");
        for (int round = 0; round < 20; round++) {
            check.roundFailed(new IllegalStateException("now and then"));
            now.addAndGet(ProgressHealthCheck.STREAK_GAP_MILLIS + 1);
        }
        assertEquals(HealthCheck.State.UP, state(check), "failures further apart than the gap are no loop");
    }

    @Test
    void anExternalDatabaseOutageIsNoLoopButTheEmbeddedDatabaseBrokenIs() {
        AtomicLong now = new AtomicLong(1_000_000);
        ProgressHealthCheck external = new ProgressHealthCheck(new Pool(), 60_000, false, now::get);
        ProgressHealthCheck embedded = new ProgressHealthCheck(new Pool(), 60_000, true, now::get);
        external.setCamelContext(new DefaultCamelContext());
        embedded.setCamelContext(new DefaultCamelContext());
        RuntimeException outage = new RuntimeException(new java.sql.SQLException("Connection refused", "08001"));
        for (int second = 0; second <= 61; second++) {
            external.roundFailed(outage);
            embedded.roundFailed(new RuntimeException(new java.sql.SQLException("Database is already closed", "90098", 90098)));
            now.addAndGet(1_000);
        }
        assertEquals(HealthCheck.State.UP, state(external), "readiness reports an external database's outage");
        assertEquals(HealthCheck.State.DOWN, state(embedded), "only a restart reopens the embedded database");
    }

    private static HealthCheck.State state(ProgressHealthCheck check) {
        return check.call(Map.of()).getState();
    }

    private static final class Pool implements HikariPoolMXBean {
        int idle = 5;
        int waiting;

        @Override public int getIdleConnections() { return idle; }
        @Override public int getActiveConnections() { return 10 - idle; }
        @Override public int getTotalConnections() { return 10; }
        @Override public int getThreadsAwaitingConnection() { return waiting; }
        @Override public void softEvictConnections() { }
        @Override public void suspendPool() { }
        @Override public void resumePool() { }
    }
}
