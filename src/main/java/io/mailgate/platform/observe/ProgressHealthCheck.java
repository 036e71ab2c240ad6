package io.mailgate.platform.observe;

import java.sql.SQLException;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import com.zaxxer.hikari.HikariPoolMXBean;

import io.mailgate.platform.db.BrokenConnections;

/**
 * Liveness that tells the truth: DOWN when the gateway can no longer make progress by itself, which a
 * restart cures and waiting does not —
 * <ul>
 * <li>its connection pool has been exhausted (every connection busy, requests waiting) for longer than
 * the stall limit;</li>
 * <li>an internal error loop: the housekeeping rounds (due mails, leases, stale claims, privacy sweep,
 * each every few seconds) have failed without a break of {@value #STREAK_GAP_MILLIS} ms for longer than
 * the stall limit.</li>
 * </ul>
 * An external database that is down is readiness's business (DatabaseHealthCheck): a restart would not
 * bring it back, so its connection errors do not count. The embedded H2 database lives in this process:
 * when it is closed or broken (after running out of memory, say), only a restart reopens it.
 */
public class ProgressHealthCheck extends AbstractHealthCheck {

    /** Failures further apart than this are not one loop. */
    static final long STREAK_GAP_MILLIS = 15_000;

    private final HikariPoolMXBean pool;
    private final long stallMillis;
    private final boolean databaseInProcess;
    private final LongSupplier clock;
    private volatile long lastProgress;
    private volatile long lastCheck;
    private long streakStart = -1;
    private long lastFailure = -1;

    public ProgressHealthCheck(HikariPoolMXBean pool, long stallMillis, boolean databaseInProcess, LongSupplier clock) {
        super("mailgate", "progress");
        this.pool = pool;
        this.stallMillis = stallMillis;
        this.databaseInProcess = databaseInProcess;
        this.clock = clock;
        this.lastProgress = clock.getAsLong();
        this.lastCheck = lastProgress;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    /** A housekeeping round failed (route configuration housekeeping-errors). */
    public synchronized void roundFailed(Throwable failure) {
        if (!databaseInProcess && externalDatabaseOutage(failure)) {
            return;
        }
        long now = clock.getAsLong();
        if (lastFailure < 0 || now - lastFailure > STREAK_GAP_MILLIS) {
            streakStart = now;
        }
        lastFailure = now;
    }

    private static boolean externalDatabaseOutage(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && BrokenConnections.isBroken(sql)) {
                return true;
            }
        }
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
        long failing = failingFor(now);
        builder.detail("pool.active", pool == null ? 0 : pool.getActiveConnections());
        builder.detail("pool.waiting", pool == null ? 0 : pool.getThreadsAwaitingConnection());
        builder.detail("housekeeping.failing.seconds", failing / 1000);
        if (stalled > stallMillis) {
            builder.down().message("The connection pool has been exhausted for " + stalled / 1000 + " s");
        } else if (failing > stallMillis) {
            builder.down().message("Housekeeping rounds have failed without a break for " + failing / 1000 + " s");
        } else {
            builder.up();
        }
    }

    private synchronized long failingFor(long now) {
        return lastFailure < 0 || now - lastFailure > STREAK_GAP_MILLIS ? 0 : lastFailure - streakStart;
    }
}
