package io.mailgate.platform.observe;

import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * Liveness that tells the truth: DOWN when the gateway can no longer make progress by itself — its
 * connection pool has been exhausted (every connection busy, requests waiting) for longer than the
 * stall limit, which a restart cures and waiting does not. A database that is down is readiness's
 * business (DatabaseHealthCheck): a restart would not bring it back.
 */
public class ProgressHealthCheck extends AbstractHealthCheck {

    private final HikariPoolMXBean pool;
    private final long stallMillis;
    private final LongSupplier clock;
    private volatile long lastProgress;
    private volatile long lastCheck;

    public ProgressHealthCheck(HikariPoolMXBean pool, long stallMillis, LongSupplier clock) {
        super("mailgate", "progress");
        this.pool = pool;
        this.stallMillis = stallMillis;
        this.clock = clock;
        this.lastProgress = clock.getAsLong();
        this.lastCheck = lastProgress;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long now = clock.getAsLong();
        boolean exhausted = pool != null && pool.getIdleConnections() == 0 && pool.getThreadsAwaitingConnection() > 0;
        // Unseen for longer than the limit, an exhausted pool counts from now: it may just have filled.
        if (!exhausted || now - lastCheck > stallMillis) {
            lastProgress = now;
        }
        lastCheck = now;
        long stalled = now - lastProgress;
        builder.detail("pool.active", pool == null ? 0 : pool.getActiveConnections());
        builder.detail("pool.waiting", pool == null ? 0 : pool.getThreadsAwaitingConnection());
        if (stalled > stallMillis) {
            builder.down().message("The connection pool has been exhausted for " + stalled / 1000 + " s");
        } else {
            builder.up();
        }
    }
}
