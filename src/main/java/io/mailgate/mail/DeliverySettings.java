package io.mailgate.mail;

import java.util.List;

/**
 * How delivery behaves like a mail server's queue: the waits between attempts (the last one repeats),
 * how long a mail may stay undelivered before it is FAILED, the longest Retry-After honoured, the lease
 * of a claim, the circuit breaker of each provider, this instance's name in claims, and what the
 * messages say about the sending host.
 *
 * @param retrySchedule       milliseconds to wait before the 1st, 2nd, … retry; the last repeats
 * @param maxAgeMillis        a mail still undelivered this long after it was queued is FAILED
 * @param maxRetryAfterMillis the longest wait a provider's Retry-After may ask for
 * @param leaseMillis         how long a claim holds without renewal; a dead instance's mails go again after it
 * @param consumers           delivery workers: mails delivered at once by this instance
 * @param instanceId          this instance's name in claims; blank: one made up and kept in the data directory
 * @param messageIdDomain     the right part of Message-IDs; blank: the sender's domain
 * @param smtpGreeting        the name given in EHLO/HELO; blank: the host's name
 */
public record DeliverySettings(
        List<Long> retrySchedule,
        long maxAgeMillis,
        long maxRetryAfterMillis,
        long leaseMillis,
        int consumers,
        Circuit circuit,
        String instanceId,
        String messageIdDomain,
        String smtpGreeting) {

    public DeliverySettings {
        retrySchedule = List.copyOf(retrySchedule);
        if (retrySchedule.isEmpty()) {
            throw new IllegalStateException("Configuration mailgate.delivery.retry-schedule must name at least one wait");
        }
    }

    /**
     * A provider's circuit opens when at least {@code failureRatePercent} of its last {@code window} calls
     * (and at least {@code minimumCalls}) failed transiently; it stays open {@code openMillis}, then lets
     * one probe through.
     */
    public record Circuit(int window, int minimumCalls, int failureRatePercent, long openMillis) {
    }

    /** The wait before the retry that follows {@code attempts} failed attempts. */
    public long retryDelay(int attempts) {
        int index = Math.max(0, Math.min(attempts, retrySchedule.size()) - 1);
        return retrySchedule.get(index);
    }
}
