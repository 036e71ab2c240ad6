package io.mailgate.mail;

/**
 * What the accept flows read of a stored request. Bean methods rather than OGNL such as
 * {@code ${body.created}}: Camel introspects the class of an object afresh for every OGNL call on a
 * new instance, which was a tenth of the CPU of an accepted mail.
 */
public class AcceptedMails {

    /** False for a repeated idempotency key: that mail is already queued. */
    public boolean isNew(AcceptedMail accepted) {
        return accepted.created();
    }

    public String mailId(AcceptedMail accepted) {
        return accepted.mail().id();
    }

    public Mail mail(AcceptedMail accepted) {
        return accepted.mail();
    }
}
