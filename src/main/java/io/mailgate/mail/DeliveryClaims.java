package io.mailgate.mail;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Moves stored mails through QUEUED → SENDING → SENT | FAILED, and back to QUEUED with a next attempt
 * time when an attempt could not deliver for now: the stored row is the mail's queue entry.
 *
 * <p>A claim is one UPDATE that only one delivery can win, so a redelivered or duplicated wake-up never
 * sends a mail twice. It is a lease held by this instance and renewed while it lives: a restarted
 * instance takes its own claims back at start, and the sweep gives a dead instance's claims to whoever
 * wakes them once their lease ran out. The scheduler wakes deferred mails once they are due.
 */
public class DeliveryClaims {

    private static final int MAX_REASON = 2000;
    private static final int MAX_BATCH = 1000;
    private static final String QUEUED = Mail.Status.QUEUED.wire();
    private static final String SENDING = Mail.Status.SENDING.wire();

    private final Jdbi jdbi;
    private final Clock clock;
    private final DeliverySettings settings;
    private final String instanceId;
    private final long startedAt;
    private final RecentMails recent;
    private volatile long lastRenewal;
    /**
     * The mail each delivery thread is working on now. Only these leases are renewed: a delivery that
     * died before it finished (its exchange failed, the database went away) leaves no renewal behind, so
     * its lease runs out and the sweep gives the mail to another attempt.
     */
    private final java.util.Map<Thread, String> working = new java.util.concurrent.ConcurrentHashMap<>();

    DeliveryClaims(Jdbi jdbi, Clock clock, DeliverySettings settings, String instanceId, RecentMails recent) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
        this.instanceId = instanceId;
        this.startedAt = clock.millis();
        this.recent = recent;
    }

    /** The name this instance's claims carry. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Marks a mail SENDING under this instance's lease, counts the attempt, and returns the mail with what
     * delivery needs; null when there is nothing to deliver now (deliver-mail filters on it): the mail is
     * unknown, finished, deferred to later, or claimed by a delivery whose lease still runs.
     */
    public OutboundMail claim(String id) {
        long now = clock.millis();
        working.remove(Thread.currentThread());
        return jdbi.withHandle(handle -> {
            int claimed = handle.createUpdate("UPDATE mail SET status = ?, claimed_at = ?, claimed_by = ?, lease_until = ?, "
                            + "attempts = attempts + 1, update_timestamp = ? "
                            + "WHERE id = ? AND status = ? AND next_attempt_at IS NULL")
                    .bind(0, SENDING).bind(1, now).bind(2, instanceId).bind(3, now + settings.leaseMillis()).bind(4, now)
                    .bind(5, id).bind(6, QUEUED)
                    .execute();
            OutboundMail copy = recent.take(id);
            if (claimed == 0) {
                return null;
            }
            working.put(Thread.currentThread(), id);
            if (copy != null) {
                return copy;
            }
            MailRecords.StoredMail stored = MailRecords.read(handle, "m.id = ?", List.of(id)).get(0);
            if (!stored.waitingParts()) {
                return new OutboundMail(stored.mail(), List.of(), Optional.empty(), false);
            }
            return new OutboundMail(stored.mail(), WaitingParts.attachments(handle, id), WaitingParts.rendering(handle, id), true);
        });
    }

    /** Keeps the claims of the deliveries working now alive: every third of the lease, however often it is called. */
    public int renewLeases() {
        long now = clock.millis();
        if (now - lastRenewal < settings.leaseMillis() / 3) {
            return 0;
        }
        lastRenewal = now;
        List<String> ids = List.copyOf(new java.util.HashSet<>(working.values()));
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET lease_until = ? WHERE status = ? AND claimed_by = ? "
                        + "AND id IN (<ids>)")
                .bind(0, now + settings.leaseMillis()).bind(1, SENDING).bind(2, instanceId).bindList("ids", ids)
                .execute());
    }

    /**
     * Records how the attempt ended: SENT, FAILED, or QUEUED again with the next attempt time when it was
     * deferred. A deferred mail older than the queue's lifetime is FAILED instead.
     */
    public DeliveryOutcome.Result finish(DeliveryOutcome outcome) {
        Mail mail = outcome.outbound().mail();
        working.remove(Thread.currentThread());
        String refused = RecipientLists.write(outcome.refused());
        return switch (outcome.result()) {
            case SENT -> {
                finish(outcome.outbound(), Mail.Status.SENT, outcome.providerKey(), outcome.providerMessageId(), null, refused, null);
                yield DeliveryOutcome.Result.SENT;
            }
            case FAILED -> {
                fail(outcome, refused);
                yield DeliveryOutcome.Result.FAILED;
            }
            case DEFERRED -> {
                long now = clock.millis();
                // The schedule's wait (spread a little), but never sooner than a provider's Retry-After asked.
                long next = now + Math.max(jitter(settings.retryDelay(attemptsMade(mail))),
                        Math.min(outcome.retryAfterMillis(), settings.maxRetryAfterMillis()));
                int deferred = jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET status = ?, next_attempt_at = ?, "
                                + "last_error = ?, recipients_pending = ?, recipients_refused = ?, provider = ?, claimed_by = NULL, "
                                + "lease_until = NULL, update_timestamp = ? "
                                + "WHERE id = ? AND COALESCE(queued_since, creation_timestamp) > ?")
                        .bind(0, QUEUED).bind(1, next).bind(2, shorten(outcome.failureReason()))
                        .bind(3, RecipientLists.write(outcome.pending())).bind(4, refused).bind(5, outcome.providerKey())
                        .bind(6, now).bind(7, mail.id()).bind(8, now - settings.maxAgeMillis())
                        .execute());
                if (deferred == 1) {
                    yield DeliveryOutcome.Result.DEFERRED;
                }
                outcome.expire("undelivered after " + attemptsMade(mail) + " attempts, the queue's lifetime; last: "
                        + outcome.failureReason());
                fail(outcome, refused);
                yield DeliveryOutcome.Result.FAILED;
            }
        };
    }

    /** The attempts made so far, this one included (the claim counted it; a copy from memory does not know). */
    private static int attemptsMade(Mail mail) {
        return Math.max(1, mail.attempts().count());
    }

    private void fail(DeliveryOutcome outcome, String refused) {
        String reason = outcome.failureReason();
        String text = reason == null || reason.isBlank() ? "delivery failed" : reason;
        // The recipients left stay recorded: a replay goes to them only.
        finish(outcome.outbound(), Mail.Status.FAILED, outcome.providerKey(), null, shorten(text), refused,
                RecipientLists.write(outcome.pending()));
    }

    /** The final status; the waiting parts, when the mail had any, go in the same transaction. */
    private void finish(OutboundMail outbound, Mail.Status status, String provider, String messageId, String reason,
                        String refused, String pending) {
        String id = outbound.mail().id();
        jdbi.useTransaction(handle -> {
            handle.createUpdate("UPDATE mail SET status = ?, provider = ?, provider_message_id = ?, failure_reason = ?, "
                            + "recipients_refused = ?, recipients_pending = ?, next_attempt_at = NULL, claimed_by = NULL, "
                            + "lease_until = NULL, update_timestamp = ?, waiting_parts = ? WHERE id = ?")
                    .bind(0, status.wire()).bind(1, provider).bind(2, messageId).bind(3, reason).bind(4, refused)
                    .bind(5, pending).bind(6, clock.millis()).bind(7, status == Mail.Status.FAILED && outbound.waitingParts())
                    .bind(8, id)
                    .execute();
            // A FAILED mail keeps its attachments and rendering for a replay.
            if (outbound.waitingParts() && status == Mail.Status.SENT) {
                WaitingParts.delete(handle, id);
            }
        });
    }

    /** Deferred mails whose next attempt is due, made claimable again: only the instance whose update wins wakes one. */
    public List<String> takeDue() {
        long now = clock.millis();
        return jdbi.withHandle(handle -> {
            List<String> due = handle.createQuery("SELECT id FROM mail WHERE status = ? AND next_attempt_at <= ? "
                            + "ORDER BY next_attempt_at LIMIT ?")
                    .bind(0, QUEUED).bind(1, now).bind(2, MAX_BATCH)
                    .mapTo(String.class).list();
            return due.stream().filter(id -> handle.createUpdate("UPDATE mail SET next_attempt_at = NULL, update_timestamp = ? "
                            + "WHERE id = ? AND status = ? AND next_attempt_at <= ?")
                    .bind(0, now).bind(1, id).bind(2, QUEUED).bind(3, now)
                    .execute() == 1).toList();
        });
    }

    /**
     * A provider whose circuit had opened is up again (a probe went through): the mails it deferred are
     * due now, not at their next scheduled attempt, which may be an hour away. Mails are known by their
     * last error, which names each provider an attempt tried. Returns how many were made due.
     */
    public int wakeDeferredBy(String provider) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET next_attempt_at = ? WHERE status = ? "
                        + "AND next_attempt_at > ? AND (LOWER(last_error) LIKE ?" + io.mailgate.platform.db.LikePatterns.ESCAPE
                        + " OR LOWER(last_error) LIKE ?" + io.mailgate.platform.db.LikePatterns.ESCAPE + ")")
                .bind(0, now).bind(1, QUEUED).bind(2, now)
                .bind(3, io.mailgate.platform.db.LikePatterns.startingWith(provider + ": "))
                .bind(4, io.mailgate.platform.db.LikePatterns.containing("; " + provider + ": "))
                .execute());
    }

    /**
     * Mails to put back on the delivery queue: claimed by an instance whose lease ran out (it died
     * mid-send; the claim is released), or QUEUED with no wake-up for too long (a crash between store
     * and wake-up). Each is touched so that the next sweep, here or elsewhere, leaves it alone a while.
     */
    public List<String> takeStale(long queuedForMillis) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> {
            List<String> taken = new java.util.ArrayList<>(release(handle, "lease_until < ?", List.of(now), now));
            List<String> queued = handle.createQuery("SELECT id FROM mail WHERE status = ? AND next_attempt_at IS NULL "
                            + "AND update_timestamp < ? ORDER BY update_timestamp LIMIT ?")
                    .bind(0, QUEUED).bind(1, now - queuedForMillis).bind(2, MAX_BATCH)
                    .mapTo(String.class).list();
            for (String id : queued) {
                if (handle.createUpdate("UPDATE mail SET update_timestamp = ? WHERE id = ? AND status = ? "
                                + "AND next_attempt_at IS NULL AND update_timestamp < ?")
                        .bind(0, now).bind(1, id).bind(2, QUEUED).bind(3, now - queuedForMillis)
                        .execute() == 1) {
                    taken.add(id);
                }
            }
            return taken;
        });
    }

    /**
     * At start: this instance's own claims from before this start (it was killed mid-send; with the same
     * instance id they are known to be dead at once) and QUEUED mails older than this start (their
     * wake-ups may be gone).
     */
    public List<String> takeBackAtStart() {
        long now = clock.millis();
        return jdbi.withHandle(handle -> {
            List<String> taken = new java.util.ArrayList<>(release(handle, "claimed_by = ? AND claimed_at < ?",
                    List.of(instanceId, startedAt), now));
            List<String> queued = handle.createQuery("SELECT id FROM mail WHERE status = ? AND next_attempt_at IS NULL "
                            + "AND update_timestamp < ? ORDER BY update_timestamp LIMIT ?")
                    .bind(0, QUEUED).bind(1, startedAt).bind(2, MAX_BATCH)
                    .mapTo(String.class).list();
            taken.addAll(queued);
            return taken;
        });
    }

    /**
     * SENDING mails matching the condition (on fixed columns, with parameters) go back to QUEUED, claim
     * released; returns the ids this call released.
     */
    private List<String> release(Handle handle, String condition, List<Object> values, long now) {
        List<Object> select = new java.util.ArrayList<>(List.of(SENDING));
        select.addAll(values);
        select.add(MAX_BATCH);
        List<String> held = io.mailgate.platform.db.Statements.bindAll(handle.createQuery(
                "SELECT id FROM mail WHERE status = ? AND " + condition + " LIMIT ?"), select).mapTo(String.class).list();
        return held.stream().filter(id -> {
            List<Object> update = new java.util.ArrayList<>(List.of(QUEUED, now, id, SENDING));
            update.addAll(values);
            return io.mailgate.platform.db.Statements.bindAll(handle.createUpdate("UPDATE mail SET status = ?, claimed_by = NULL, "
                    + "lease_until = NULL, update_timestamp = ? WHERE id = ? AND status = ? AND " + condition), update).execute() == 1;
        }).toList();
    }

    /** A FAILED mail goes back to QUEUED for a replay, with a fresh schedule and lifetime; false when it is not FAILED. */
    public boolean requeueFailed(String id) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET status = ?, claimed_at = NULL, claimed_by = NULL, "
                        + "lease_until = NULL, failure_reason = NULL, next_attempt_at = NULL, attempts = 0, last_error = NULL, "
                        + "queued_since = ?, update_timestamp = ? WHERE id = ? AND status = ?")
                .bind(0, QUEUED).bind(1, now).bind(2, now).bind(3, id).bind(4, Mail.Status.FAILED.wire())
                .execute()) == 1;
    }

    /** For the metrics: how many mails wait for a later attempt, and the seconds until the first is due. */
    double[] deferredStats() {
        long now = clock.millis();
        return jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) AS waiting, MIN(next_attempt_at) AS first "
                        + "FROM mail WHERE status = ? AND next_attempt_at IS NOT NULL")
                .bind(0, QUEUED)
                .map((rows, context) -> {
                    long first = rows.getLong("first");
                    double seconds = rows.wasNull() ? 0 : Math.max(0, (first - now) / 1000.0);
                    return new double[] {rows.getLong("waiting"), seconds};
                }).one());
    }

    /** ±10 % so that mails deferred together do not all come back in the same instant. */
    private static long jitter(long wait) {
        long spread = wait / 10;
        return spread <= 0 ? wait : wait - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
    }

    private static String shorten(String text) {
        return text == null || text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON);
    }
}
