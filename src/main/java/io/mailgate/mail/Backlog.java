package io.mailgate.mail;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Jdbi;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Backpressure at the door: when more mails wait for delivery than the configured backlog allows, a REST
 * send is answered 503 with Retry-After at once instead of being accepted to wait behind them (a queue
 * message simply waits on the queue). The count is the database's, so it holds across instances; it is
 * looked up at most once a second.
 */
public class Backlog {

    private static final long REFRESH_MILLIS = 1_000;
    private static final int RETRY_AFTER_SECONDS = 5;

    private final Jdbi jdbi;
    private final Clock clock;
    private final long maximum;
    private volatile long counted;
    private volatile long countedAt;

    Backlog(Jdbi jdbi, Clock clock, long maximum) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.maximum = maximum;
    }

    /** Refuses with 503 when the backlog is full. */
    public void check() {
        if (waiting() >= maximum) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE, "Too many mails are waiting for delivery; try again shortly",
                    Map.of("retry_after", RETRY_AFTER_SECONDS), List.of());
        }
    }

    /** Mails queued or being sent (deferred ones included), as of at most a second ago. */
    public long waiting() {
        long now = clock.millis();
        if (now - countedAt >= REFRESH_MILLIS) {
            synchronized (this) {
                if (now - countedAt >= REFRESH_MILLIS) {
                    counted = jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM mail WHERE status IN (?, ?)")
                            .bind(0, Mail.Status.QUEUED.wire()).bind(1, Mail.Status.SENDING.wire()).mapTo(Long.class).one());
                    countedAt = now;
                }
            }
        }
        return counted;
    }
}
