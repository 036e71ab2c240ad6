package io.mailgate.mail;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/** Waits, with a deadline, for a mail to be SENT or FAILED: for the few answers that must tell the real outcome. */
public class MailOutcomes {

    private final MailRecords store;
    private final Duration timeout;

    public MailOutcomes(MailRecords store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    /** The finished mail, or empty when it is still on its way at the deadline. */
    public Optional<Mail> await(String mailId) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Mail> mail = store.find(mailId);
            if (mail.isPresent() && (mail.get().status() == Mail.Status.SENT || mail.get().status() == Mail.Status.FAILED
                    || mail.get().status() == Mail.Status.SUPPRESSED)) {
                return mail;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        return Optional.empty();
    }
}
