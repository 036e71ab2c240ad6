package io.mailgate.mail;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;

/**
 * Moves stored mails through QUEUED → SENDING → SENT | FAILED. A claim is one UPDATE that only one
 * delivery can win, so a redelivered or duplicated wake-up never sends a mail twice; a claim older than
 * the claim timeout (a crash mid-send) is taken over, and a sweep puts mails whose wake-up was lost back
 * on the queue.
 */
public class DeliveryClaims {

    private static final int MAX_REASON = 2000;
    private static final int MAX_STALE = 1000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final long claimTimeoutMillis;
    private final long startedAt;
    private final RecentMails recent;

    /** @param claimTimeoutMillis how long a delivery may hold a mail in SENDING before it counts as crashed */
    DeliveryClaims(Jdbi jdbi, Clock clock, long claimTimeoutMillis, RecentMails recent) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.claimTimeoutMillis = claimTimeoutMillis;
        this.startedAt = clock.millis();
        this.recent = recent;
    }

    /**
     * Marks a mail SENDING and returns it with what delivery needs, or null when there is nothing to
     * deliver (deliver-mail filters on it): the mail is unknown, SENT, FAILED, or being sent by another
     * delivery right now.
     */
    public OutboundMail claim(String id) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> {
            int claimed = handle.createUpdate("UPDATE mail SET status = ?, claimed_at = ?, update_timestamp = ? "
                            + "WHERE id = ? AND (status = ? OR (status = ? AND claimed_at < ?))")
                    .bind(0, Mail.Status.SENDING.wire()).bind(1, now).bind(2, now).bind(3, id)
                    .bind(4, Mail.Status.QUEUED.wire()).bind(5, Mail.Status.SENDING.wire()).bind(6, now - claimTimeoutMillis)
                    .execute();
            OutboundMail copy = recent.take(id);
            if (claimed == 0) {
                return null;
            }
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

    /** SENT, through the provider that took it, with the id the provider gave it. */
    public void markSent(DeliveryOutcome outcome) {
        finish(outcome.outbound(), Mail.Status.SENT, outcome.providerKey(), outcome.providerMessageId(), null);
    }

    /** FAILED, with every provider's reason. */
    public void markFailed(DeliveryOutcome outcome) {
        String reason = outcome.failureReason();
        String text = reason == null || reason.isBlank() ? "delivery failed" : reason;
        finish(outcome.outbound(), Mail.Status.FAILED, outcome.providerKey(), null,
                text.length() > MAX_REASON ? text.substring(0, MAX_REASON) : text);
    }

    /** The final status; the waiting parts, when the mail had any, go in the same transaction. */
    private void finish(OutboundMail outbound, Mail.Status status, String provider, String messageId, String reason) {
        String id = outbound.mail().id();
        jdbi.useTransaction(handle -> {
            handle.createUpdate("UPDATE mail SET status = ?, provider = ?, provider_message_id = ?, failure_reason = ?, "
                            + "update_timestamp = ?, waiting_parts = FALSE WHERE id = ?")
                    .bind(0, status.wire()).bind(1, provider).bind(2, messageId).bind(3, reason).bind(4, clock.millis())
                    .bind(5, id)
                    .execute();
            if (outbound.waitingParts()) {
                WaitingParts.delete(handle, id);
            }
        });
    }

    /**
     * Mails to put back on the delivery queue: QUEUED too long (a crash between store and enqueue) or
     * SENDING past the claim timeout (a crash mid-send). Each is touched so that the next sweep, here
     * or on another instance, leaves it alone for a while.
     */
    public List<String> takeStale(long queuedForMillis) {
        long now = clock.millis();
        String stale = "((status = ? AND update_timestamp < ?) OR (status = ? AND claimed_at < ?))";
        List<Object> staleValues = List.of(Mail.Status.QUEUED.wire(), now - queuedForMillis, Mail.Status.SENDING.wire(),
                now - claimTimeoutMillis);
        return jdbi.withHandle(handle -> {
            List<String> candidates = handle.createQuery("SELECT id FROM mail WHERE " + stale
                            + " ORDER BY update_timestamp LIMIT ?")
                    .bind(0, staleValues.get(0)).bind(1, staleValues.get(1)).bind(2, staleValues.get(2)).bind(3, staleValues.get(3))
                    .bind(4, MAX_STALE)
                    .mapTo(String.class).list();
            // Only the sweeper whose update wins re-enqueues the mail.
            return candidates.stream().filter(id -> handle.createUpdate("UPDATE mail SET update_timestamp = ? WHERE id = ? AND "
                            + stale)
                    .bind(0, now).bind(1, id).bind(2, staleValues.get(0)).bind(3, staleValues.get(1))
                    .bind(4, staleValues.get(2)).bind(5, staleValues.get(3))
                    .execute() == 1).toList();
        });
    }

    /**
     * At start: QUEUED mails older than this instance. Delivery wake-ups are not persistent (the mail
     * record is), so after a restart these may have none.
     */
    public List<String> takeQueuedBeforeStart() {
        return takeStale(clock.millis() - startedAt);
    }

    /** A FAILED mail goes back to QUEUED, for a replay; false when it is not FAILED. */
    public boolean requeueFailed(String id) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE mail SET status = ?, claimed_at = NULL, "
                        + "failure_reason = NULL, update_timestamp = ? WHERE id = ? AND status = ?")
                .bind(0, Mail.Status.QUEUED.wire()).bind(1, clock.millis()).bind(2, id).bind(3, Mail.Status.FAILED.wire())
                .execute()) == 1;
    }
}
