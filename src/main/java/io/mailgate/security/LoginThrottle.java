package io.mailgate.security;

import java.time.Clock;
import java.util.Map;
import java.util.OptionalLong;

import org.jdbi.v3.core.Jdbi;

import io.mailgate.platform.Settings;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Slows down password guessing, per user name, per client and per source address, across every
 * instance (the counts are in the database): after {@code maxFailures} failed logins in a row (ten
 * times as many for a client or an address, which serve many users) a subject must wait
 * {@code lockoutSeconds}, doubled with each further failure up to a day. The same counts limit the
 * public privacy-request endpoints: verification mails per identity (three an hour) and requests and
 * wrong codes per address, so that no one can mail-bomb an address through Mailgate. Failures an hour apart do not add up. A locked subject is refused
 * with 429 and Retry-After before its password is even checked, so a guess during the wait tells
 * nothing. A successful login clears the user's count.
 */
public class LoginThrottle {

    private static final long MAX_WAIT_SECONDS = 86_400;
    /** Failures older than this are forgotten: a count is of failures close together. */
    private static final long FORGET_AFTER_MILLIS = 3_600_000;
    /** A client serves many users, who all mistype now and then: it may fail this many times more. */
    private static final int CLIENT_FACTOR = 10;

    private final Jdbi jdbi;
    private final Settings.LoginLimits limits;
    private final Clock clock;

    public LoginThrottle(Jdbi jdbi, Settings.LoginLimits limits, Clock clock) {
        this.jdbi = jdbi;
        this.limits = limits;
        this.clock = clock;
    }

    public static String user(String username) {
        return "user:" + username;
    }

    public static String client(String clientId) {
        return "client:" + clientId;
    }

    /** The address a request came from (Vert.x's remote address), without its port. */
    public static String address(Object remote) {
        String text = remote instanceof io.vertx.core.net.SocketAddress socket ? socket.hostAddress()
                : remote == null ? "unknown" : remote.toString();
        return "address:" + (text == null ? "unknown" : text.length() > 64 ? text.substring(0, 64) : text);
    }

    /** An identity (an email address) privacy requests are made for: it gets at most a few verification mails. */
    public static String identity(String email) {
        // Hashed: the count must not keep the address an erasure removes everywhere else.
        return "identity:" + Secrets.sha256(email.toLowerCase(java.util.Locale.ROOT));
    }

    /** True when the subject must still wait (for callers that answer per item rather than with a 429). */
    public boolean blocked(String subject) {
        OptionalLong until = blockedUntil(subject);
        return until.isPresent() && until.getAsLong() > clock.millis();
    }

    /** Refuses with 429 (Retry-After in the details) when any of the subjects must still wait. */
    public void check(String... subjects) {
        long now = clock.millis();
        for (String subject : subjects) {
            OptionalLong until = blockedUntil(subject);
            if (until.isPresent() && until.getAsLong() > now) {
                long seconds = Math.max(1, (until.getAsLong() - now + 999) / 1000);
                throw new ApiException(ErrorCode.LOGIN_FREEZE, "Too many failed logins: try again in " + seconds + " seconds",
                        Map.of("retry_after", seconds), java.util.List.of());
            }
        }
    }

    public void failed(String... subjects) {
        for (String subject : subjects) {
            recordFailure(subject);
        }
    }

    public void succeeded(String subject) {
        jdbi.useHandle(handle -> handle.createUpdate("DELETE FROM login_failure WHERE subject = ?").bind(0, subject).execute());
    }

    private OptionalLong blockedUntil(String subject) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT blocked_until FROM login_failure WHERE subject = ?")
                .bind(0, subject).mapTo(Long.class).findOne())
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    private void recordFailure(String subject) {
        long now = clock.millis();
        for (int attempt = 0; ; attempt++) {
            try {
                jdbi.useTransaction(handle -> {
                    long[] previous = handle.createQuery("SELECT failures, last_failure FROM login_failure WHERE subject = ? FOR UPDATE")
                            .bind(0, subject).map((rows, context) -> new long[] {rows.getInt(1), rows.getLong(2)}).findOne().orElse(null);
                    Integer failures = previous == null ? null : (int) previous[0];
                    int count = failures == null || now - previous[1] > FORGET_AFTER_MILLIS ? 1 : failures + 1;
                    int threshold = threshold(subject);
                    long blockedUntil = count < threshold ? 0 : now + waitSeconds(count - threshold) * 1000;
                    if (failures == null) {
                        handle.createUpdate("INSERT INTO login_failure (subject, failures, blocked_until, last_failure) "
                                        + "VALUES (?, ?, ?, ?)")
                                .bind(0, subject).bind(1, count).bind(2, blockedUntil).bind(3, now).execute();
                    } else {
                        handle.createUpdate("UPDATE login_failure SET failures = ?, blocked_until = ?, last_failure = ? "
                                        + "WHERE subject = ?")
                                .bind(0, count).bind(1, blockedUntil).bind(2, now).bind(3, subject).execute();
                    }
                });
                return;
            } catch (RuntimeException e) {
                // Two instances counting the first failure of a subject at once: count again, as an update.
                if (attempt >= 2 || !UniqueViolation.is(e)) {
                    throw e;
                }
            }
        }
    }

    private int threshold(String subject) {
        if (subject.startsWith("identity:")) {
            return limits.identityMailsPerHour();
        }
        if (subject.startsWith("address:")) {
            return limits.addressMaxFailures();
        }
        return subject.startsWith("client:") ? limits.maxFailures() * CLIENT_FACTOR : limits.maxFailures();
    }

    private long waitSeconds(int beyondThreshold) {
        return Math.min(MAX_WAIT_SECONDS, limits.lockoutSeconds() << Math.min(beyondThreshold, 20));
    }
}
