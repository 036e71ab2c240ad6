package io.mailgate.mail;

/**
 * What a send may ask beyond Extra Horizon's mail (new keys of the request and of the Mail).
 *
 * @param listUnsubscribe   a one-click unsubscribe link in the List-Unsubscribe headers (RFC 8058); for a mail
 *                          to exactly one recipient, whom the link then suppresses
 * @param ignoreSuppression a critical mail (a security notice) that goes even to suppressed addresses; needs
 *                          the scope suppression:override
 */
public record MailOptions(boolean listUnsubscribe, boolean ignoreSuppression) {

    public static final MailOptions NONE = new MailOptions(false, false);
}
