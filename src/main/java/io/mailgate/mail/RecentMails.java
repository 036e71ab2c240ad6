package io.mailgate.mail;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mails this instance stored and has not yet claimed for delivery, so that delivering them here need
 * not read them back from the database. Only a copy: the claim's UPDATE still decides who delivers,
 * and a mail that is not here (another instance took it in, it has attachments, this instance
 * restarted, or the copies were over their budget) is read from the database as before.
 *
 * <p>Bounded by the characters it holds and by age; the oldest copies go first.
 */
final class RecentMails {

    private final long maxChars;
    private final long maxAgeMillis;
    private final LinkedHashMap<String, Entry> byId = new LinkedHashMap<>();
    private long chars;

    RecentMails(long maxChars, long maxAgeMillis) {
        this.maxChars = maxChars;
        this.maxAgeMillis = maxAgeMillis;
    }

    synchronized void put(OutboundMail outbound, long now) {
        long size = size(outbound);
        evict(now, size);
        if (chars + size <= maxChars) {
            byId.put(outbound.mail().id(), new Entry(outbound, size, now));
            chars += size;
        }
    }

    /** The copy of a mail this instance stored, taken out; null when there is none. */
    synchronized OutboundMail take(String id) {
        Entry entry = byId.remove(id);
        if (entry == null) {
            return null;
        }
        chars -= entry.size();
        return entry.outbound();
    }

    private void evict(long now, long room) {
        for (Iterator<Entry> it = byId.values().iterator(); it.hasNext(); ) {
            Entry eldest = it.next();
            if (chars + room <= maxChars && eldest.storedAt() > now - maxAgeMillis) {
                return;
            }
            it.remove();
            chars -= eldest.size();
        }
    }

    private static long size(OutboundMail outbound) {
        Mail mail = outbound.mail();
        long size = 200 + length(mail.subject()) + length(mail.body()) + length(mail.from())
                + mail.contentJson().map(String::length).orElse(0);
        for (String address : mail.recipients().to()) {
            size += address.length();
        }
        for (String address : mail.recipients().cc()) {
            size += address.length();
        }
        for (String address : mail.recipients().bcc()) {
            size += address.length();
        }
        for (String address : mail.replyTo()) {
            size += address.length();
        }
        return size + outbound.rendering().map(r -> (long) length(r.html()) + length(r.text())).orElse(0L);
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }

    private record Entry(OutboundMail outbound, long size, long storedAt) {
    }
}
