package io.mailgate.feedback;

import java.time.Clock;

import org.jdbi.v3.core.Jdbi;

import io.mailgate.platform.db.UniqueViolation;

/**
 * The tokens of signed webhooks already acted on, shared by every instance: a request replayed within
 * its timestamp window carries a token seen before and is refused. A token is kept twice the window,
 * after which its request's timestamp is refused anyway.
 */
public class WebhookTokens {

    private final Jdbi jdbi;
    private final long keepMillis;
    private final Clock clock;

    public WebhookTokens(Jdbi jdbi, int windowSeconds, Clock clock) {
        this.jdbi = jdbi;
        this.keepMillis = windowSeconds * 2_000L;
        this.clock = clock;
    }

    public boolean seen(String token) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM webhook_token WHERE token = ?").bind(0, token)
                .mapTo(Integer.class).one()) > 0;
    }

    /** Remembers a token once its request was acted on (so that a request that failed may come again). */
    public void remember(String token) {
        long now = clock.millis();
        try {
            jdbi.useHandle(handle -> {
                handle.createUpdate("DELETE FROM webhook_token WHERE seen_at < ?").bind(0, now - keepMillis).execute();
                handle.createUpdate("INSERT INTO webhook_token (token, seen_at) VALUES (?, ?)").bind(0, token).bind(1, now).execute();
            });
        } catch (RuntimeException e) {
            if (!UniqueViolation.is(e)) {
                throw e;
            }
        }
    }
}
