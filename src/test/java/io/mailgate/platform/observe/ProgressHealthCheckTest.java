package io.mailgate.platform.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariPoolMXBean;

/** Liveness goes DOWN only when the pool has stayed exhausted past the stall limit, and comes back with it. */
class ProgressHealthCheckTest {

    @Test
    void anExhaustedPoolPastTheLimitIsDownAndRecovers() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Pool pool = new Pool();
        ProgressHealthCheck check = new ProgressHealthCheck(pool, 60_000, now::get);
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
