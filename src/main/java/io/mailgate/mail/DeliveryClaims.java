package io.mailgate.mail;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

import io.mailgate.platform.db.GroupCommit;

/**
 * Moves stored mails through QUEUED → SENDING → SENT | FAILED, and back to QUEUED with a next attempt
 * time when an attempt could not deliver for now: the stored row is the mail's queue entry, and
 * {@code due_at} says when it may be claimed.
 *
 * <p>The dispatcher claims the earliest due mails in one transaction ({@code FOR UPDATE SKIP LOCKED}, so
 * that instances sharing the database take different ones), as many as its delivery workers have room
 * for, and hands them to the workers in process: new mails, deferred ones whose attempt is due, mails
 * whose claim was released and another instance's backlog all come the same way. A claim is a lease held
 * by this instance and renewed while the mail is in its hands: a restarted instance takes its own claims
 * back at start, and the sweep releases a dead instance's claims once their lease ran out.
 */
public class DeliveryClaims {

    private static final int MAX_REASON = 2000;
    /** The most mails one claim takes. */
    private static final int MAX_CLAIM = 100;
    private static final String QUEUED = Mail.Status.QUEUED.wire();
    private static final String SENDING = Mail.Status.SENDING.wire();

    private final Jdbi jdbi;
    private final Clock clock;
    private final DeliverySettings settings;
    private final String instanceId;
    private final long startedAt;
    private final RecentMails recent;
    private final int capacity;
    private volatile long lastRenewal;
    /**
     * The mails this instance has claimed and not yet finished, waiting for a worker or being delivered.
     * Only these leases are renewed: a delivery that died before it finished (its exchange failed, the
     * database went away) is {@link #done} without a finish, so its lease runs out and the sweep gives
     * the mail to another attempt.
     */
    private final GroupCommit<Sent, Boolean> sentFinishes = new GroupCommit<>(64, 2, this::recordSent);
    private final java.util.Set<String> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param capacity how many claimed mails this instance holds at most: one per delivery worker, none waiting in memory */
    DeliveryClaims(Jdbi jdbi, Clock clock, DeliverySettings settings, String instanceId, RecentMails recent, int capacity) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.settings = settings;
        this.instanceId = instanceId;
        this.startedAt = clock.millis();
        this.recent = recent;
        this.capacity = capacity;
    }

    /** The name this instance's claims carry. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Claims the earliest due mails, as many as there is room for (at most {@value #MAX_CLAIM} at once),
     * SENDING under this instance's lease with the attempt counted, in one transaction; returns them with
     * what delivery needs. Empty when nothing is due or there is no room.
     */
    public List<OutboundMail> claimDue() {
        int room = Math.min(MAX_CLAIM, capacity - claimed.size());
        if (room <= 0) {
            return List.of();
        }
        long now = clock.millis();
        // Held (their leases renewed) only once the claim committed: a claim whose transaction failed - the
        // database went away mid-commit - must not be kept alive for ever by renewals of a delivery that
        // never started. Whatever it committed is released by the sweep when its lease runs out.
        List<OutboundMail> claimedNow = jdbi.inTransaction(handle -> {
            List<String> due = handle.createQuery("SELECT id FROM mail WHERE status = ? AND due_at <= ? ORDER BY due_at "
                            + "LIMIT ? FOR UPDATE SKIP LOCKED")
                    .bind(0, QUEUED).bind(1, now).bind(2, room)
                    .mapTo(String.class).list();
            if (due.isEmpty()) {
                return List.of();
            }
            // Named parameters only: Jdbi expands a list into named ones and refuses to mix them with "?".
            handle.createUpdate("UPDATE mail SET status = :sending, claimed_at = :now, claimed_by = :instance, lease_until = :lease, "
                            + "attempts = attempts + 1, next_attempt_at = NULL, due_at = NULL, update_timestamp = :now "
                            + "WHERE status = :queued AND id IN (<ids>)")
                    .bind("sending", SENDING).bind("now", now).bind("instance", instanceId)
                    .bind("lease", now + settings.leaseMillis()).bind("queued", QUEUED).bindList("ids", due)
                    .execute();
            List<OutboundMail> mails = new java.util.ArrayList<>(due.size());
            for (String id : due) {
                OutboundMail copy = recent.take(id);
                mails.add(copy != null ? copy : load(handle, id));
            }
            return mails;
        });
        claimedNow.forEach(mail -> claimed.add(mail.mail().id()));
        return claimedNow;
    }

    /**
     * Whether a claim took all it may take at once while there was room for more: more may be due now.
     * (When the room ran out, each finished delivery wakes the dispatcher.)
     */
    public boolean full(List<?> batch) {
        return batch.size() >= MAX_CLAIM;
    }

    private static OutboundMail load(Handle handle, String id) {
        MailRecords.StoredMail stored = MailRecords.read(handle, "m.id = ?", List.of(id)).get(0);
        if (!stored.waitingParts()) {
            return new OutboundMail(stored.mail(), List.of(), Optional.empty(), false);
        }
        return new OutboundMail(stored.mail(), WaitingParts.attachments(handle, id), WaitingParts.rendering(handle, id), true);
    }

    /** The id of a claimed mail (deliver-mail keeps it for the delivery's end). */
    public String idOf(OutboundMail mail) {
        return mail.mail().id();
    }

    /** How many claimed mails this instance holds now. */
    int inFlight() {
        return claimed.size();
    }

    /** A claimed mail is out of this instance's hands (finished, or its delivery failed): its lease is no longer renewed. */
    public void done(String id) {
        if (id != null) {
            claimed.remove(id);
        }
    }

    /** Keeps the claims this instance holds alive: every third of the lease, however often it is called. */
    public int renewLeases() {
        long now = clock.millis();
        if (now - lastRenewal < settings.leaseMillis() / 3) {
            return 0;
        }
        lastRenewal = now;
        List<String> ids = List.copyOf(claimed);
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET lease_until = :lease WHERE status = :sending "
                        + "AND claimed_by = :instance AND id IN (<ids>)")
                .bind("lease", now + settings.leaseMillis()).bind("sending", SENDING).bind("instance", instanceId)
                .bindList("ids", ids)
                .execute());
    }

    /**
     * Records how the attempt ended: SENT, FAILED, or QUEUED again with the next attempt time when it was
     * deferred. A deferred mail older than the queue's lifetime is FAILED instead.
     */
    public DeliveryOutcome.Result finish(DeliveryOutcome outcome) {
        Mail mail = outcome.outbound().mail();
        done(mail.id());
        String refused = RecipientLists.write(outcome.refused());
        return switch (outcome.result()) {
            case SENT -> {
                sentFinishes.write(new Sent(outcome.outbound(), outcome.providerKey(), outcome.providerMessageId(), refused));
                yield DeliveryOutcome.Result.SENT;
            }
            case FAILED -> {
                fail(outcome, refused);
                yield DeliveryOutcome.Result.FAILED;
            }
            case SUPPRESSED -> {
                finish(outcome.outbound(), Mail.Status.SUPPRESSED, null, null, shorten(outcome.failureReason()), refused, null);
                yield DeliveryOutcome.Result.SUPPRESSED;
            }
            case DEFERRED -> {
                long now = clock.millis();
                // The schedule's wait (spread a little), but never sooner than a provider's Retry-After asked.
                long next = now + Math.max(jitter(settings.retryDelay(attemptsMade(mail))),
                        Math.min(outcome.retryAfterMillis(), settings.maxRetryAfterMillis()));
                int deferred = jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET status = ?, next_attempt_at = ?, due_at = ?, "
                                + "last_error = ?, recipients_pending = ?, recipients_refused = ?, provider = ?, claimed_by = NULL, "
                                + "lease_until = NULL, update_timestamp = ? "
                                + "WHERE id = ? AND COALESCE(queued_since, creation_timestamp) > ?")
                        .bind(0, QUEUED).bind(1, next).bind(2, next).bind(3, shorten(outcome.failureReason()))
                        .bind(4, RecipientLists.write(outcome.pending())).bind(5, refused).bind(6, outcome.providerKey())
                        .bind(7, now).bind(8, mail.id()).bind(9, now - settings.maxAgeMillis())
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

    /** A mail a provider took, to be recorded SENT. */
    private record Sent(OutboundMail outbound, String provider, String messageId, String refused) {
    }

    /**
     * Records the SENT mails of concurrent deliveries in one transaction (group commit, as on accept): one
     * batched UPDATE, and the waiting parts of the mails that had any deleted with it.
     */
    private List<GroupCommit.Outcome<Boolean>> recordSent(List<Sent> sent) {
        long now = clock.millis();
        jdbi.useTransaction(handle -> {
            PreparedBatch batch = handle.prepareBatch("UPDATE mail SET status = ?, provider = ?, provider_message_id = ?, "
                    + "failure_reason = NULL, recipients_refused = ?, recipients_pending = NULL, next_attempt_at = NULL, "
                    + "due_at = NULL, claimed_by = NULL, lease_until = NULL, update_timestamp = ?, waiting_parts = FALSE WHERE id = ?");
            for (Sent mail : sent) {
                batch.bind(0, Mail.Status.SENT.wire()).bind(1, mail.provider()).bind(2, mail.messageId()).bind(3, mail.refused())
                        .bind(4, now).bind(5, mail.outbound().mail().id()).add();
            }
            batch.execute();
            for (Sent mail : sent) {
                if (mail.outbound().waitingParts()) {
                    WaitingParts.delete(handle, mail.outbound().mail().id());
                }
            }
        });
        return java.util.Collections.nCopies(sent.size(), GroupCommit.Outcome.of(Boolean.TRUE));
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

    /** FAILED with its reason, the waiting parts kept for a replay; or SUPPRESSED, the parts gone. */
    private void finish(OutboundMail outbound, Mail.Status status, String provider, String messageId, String reason,
                        String refused, String pending) {
        String id = outbound.mail().id();
        jdbi.useTransaction(handle -> {
            handle.createUpdate("UPDATE mail SET status = ?, provider = ?, provider_message_id = ?, failure_reason = ?, "
                            + "recipients_refused = ?, recipients_pending = ?, next_attempt_at = NULL, due_at = NULL, claimed_by = NULL, "
                            + "lease_until = NULL, update_timestamp = ?, waiting_parts = ? WHERE id = ?")
                    .bind(0, status.wire()).bind(1, provider).bind(2, messageId).bind(3, reason).bind(4, refused)
                    .bind(5, pending).bind(6, clock.millis()).bind(7, status == Mail.Status.FAILED && outbound.waitingParts())
                    .bind(8, id)
                    .execute();
            if (status != Mail.Status.FAILED && outbound.waitingParts()) {
                WaitingParts.delete(handle, id);
            }
        });
    }

    /**
     * A provider whose circuit had opened is up again (a probe went through): the mails it deferred are
     * due now, not at their next scheduled attempt, which may be an hour away. Mails are known by their
     * last error, which names each provider an attempt tried. Returns how many were made due.
     */
    public int wakeDeferredBy(String provider) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET next_attempt_at = ?, due_at = ? WHERE status = ? "
                        + "AND next_attempt_at > ? AND (LOWER(last_error) LIKE ?" + io.mailgate.platform.db.LikePatterns.ESCAPE
                        + " OR LOWER(last_error) LIKE ?" + io.mailgate.platform.db.LikePatterns.ESCAPE + ")")
                .bind(0, now).bind(1, now).bind(2, QUEUED).bind(3, now)
                .bind(4, io.mailgate.platform.db.LikePatterns.startingWith(provider + ": "))
                .bind(5, io.mailgate.platform.db.LikePatterns.containing("; " + provider + ": "))
                .execute());
    }

    /**
     * Releases the claims whose lease ran out (their instance died mid-send): the mails are QUEUED and due
     * again. Returns how many were released.
     */
    public int releaseExpired() {
        long now = clock.millis();
        return jdbi.withHandle(handle -> release(handle, "lease_until < ?", List.of(now), now));
    }

    /**
     * At start: releases this instance's own claims from before this start (it was killed mid-send; with
     * the same instance id they are known to be dead at once). Returns how many were released.
     */
    public int takeBackAtStart() {
        long now = clock.millis();
        return jdbi.withHandle(handle -> release(handle, "claimed_by = ? AND claimed_at < ?", List.of(instanceId, startedAt), now));
    }

    /** SENDING mails matching the condition (on fixed columns, with parameters) go back to QUEUED and due now, claim released. */
    private static int release(Handle handle, String condition, List<Object> values, long now) {
        List<Object> update = new java.util.ArrayList<>(List.of(QUEUED, now, now, SENDING));
        update.addAll(values);
        return io.mailgate.platform.db.Statements.bindAll(handle.createUpdate("UPDATE mail SET status = ?, claimed_by = NULL, "
                + "lease_until = NULL, due_at = ?, update_timestamp = ? WHERE status = ? AND " + condition), update).execute();
    }

    /** A FAILED mail goes back to QUEUED for a replay, with a fresh schedule and lifetime; false when it is not FAILED. */
    public boolean requeueFailed(String id) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET status = ?, claimed_at = NULL, claimed_by = NULL, "
                        + "lease_until = NULL, failure_reason = NULL, next_attempt_at = NULL, attempts = 0, last_error = NULL, "
                        + "queued_since = ?, due_at = ?, update_timestamp = ? WHERE id = ? AND status = ?")
                .bind(0, QUEUED).bind(1, now).bind(2, now).bind(3, now).bind(4, id).bind(5, Mail.Status.FAILED.wire())
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
