package io.mailgate.mail;

import java.util.Locale;
import java.util.Optional;

/**
 * Something that happened to a mail after a provider took it, as reported by the provider, an SMTP
 * server, a bounce mail, the tracking image or the unsubscribe link.
 *
 * @param sourceKey the reporter's own identity of the event: the same event reported again has the same key
 * @param machine   for an open: a prefetching proxy's or a scanner's rather than a person's
 */
public record MailEvent(String id, String mailId, Type type, long occurredAt, Optional<String> recipient, Optional<String> detail,
                        Optional<Bounce> bounce, boolean machine, String source, String sourceKey) {

    public static final int MAX_DETAIL = 2000;
    public static final int MAX_RECIPIENT = 320;

    public enum Type {
        DELIVERED, BOUNCED, COMPLAINED, OPENED, UNSUBSCRIBED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** A hard bounce will not get better (no such mailbox); a soft one may (mailbox full, greylisted). */
    public enum Bounce {
        HARD, SOFT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
