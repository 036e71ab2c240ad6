package io.mailgate.feedback;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.platform.Ids;
import io.mailgate.platform.db.UniqueViolation;
import io.mailgate.suppression.SuppressionList;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Where every verified report of what happened to a mail ends: the event goes on the mail's record
 * once (a report seen before changes nothing), and in the same transaction its consequences - a hard
 * bounce, a complaint or an unsubscribe suppresses the address for the mail's client, and so do
 * {@code softBounceLimit} soft bounces within {@code softBounceDays} - and whatever the listeners add
 * (the webhooks waiting to tell subscribers). Then it is counted.
 */
public class Feedback {

    /** What a reporter says, before Mailgate knows which mail it is about. */
    public record Report(String source, String sourceKey, MailEvent.Type type, long occurredAt, String recipient, String detail,
                         MailEvent.Bounce bounce, boolean machine) {

        public static Report of(String source, String sourceKey, MailEvent.Type type, long occurredAt, String recipient) {
            return new Report(source, sourceKey, type, occurredAt, recipient, null, null, false);
        }

        public Report detail(String value) {
            return new Report(source, sourceKey, type, occurredAt, recipient, value, bounce, machine);
        }

        public Report bounce(MailEvent.Bounce value) {
            return new Report(source, sourceKey, type, occurredAt, recipient, detail, value, machine);
        }

        public Report machine(boolean value) {
            return new Report(source, sourceKey, type, occurredAt, recipient, detail, bounce, value);
        }
    }

    public enum Result {
        /** On the record now. */
        RECORDED,
        /** Reported before: nothing changed. */
        DUPLICATE,
        /** No mail of Mailgate's: nothing to record. */
        UNKNOWN_MAIL
    }

    /** Adds what an event means elsewhere (a webhook to send), in the transaction that records it. */
    public interface Listener {
        void recorded(Handle handle, MailEvent event, MailEvents.Target mail);
    }

    private final Jdbi jdbi;
    private final MailEvents events;
    private final SuppressionList suppressions;
    private final FeedbackSettings settings;
    private final MeterRegistry meters;
    private final Clock clock;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public Feedback(Jdbi jdbi, MailEvents events, SuppressionList suppressions, FeedbackSettings settings, MeterRegistry meters,
                    Clock clock) {
        this.jdbi = jdbi;
        this.events = events;
        this.suppressions = suppressions;
        this.settings = settings;
        this.meters = meters;
        this.clock = clock;
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Records a report about a mail found by its id or by its provider's message id (empty: not one of ours). */
    public Result report(Optional<MailEvents.Target> mail, Report report) {
        if (mail.isEmpty()) {
            counter("mailgate.feedback.unmatched", report).increment();
            return Result.UNKNOWN_MAIL;
        }
        MailEvent event = new MailEvent(Ids.newId(clock.millis()), mail.get().mailId(), report.type(), report.occurredAt(),
                Optional.ofNullable(report.recipient()).map(r -> r.trim().toLowerCase(Locale.ROOT)),
                Optional.ofNullable(report.detail()).map(Feedback::cut), Optional.ofNullable(report.bounce()), report.machine(),
                report.source(), sourceKey(report));
        boolean recorded;
        try {
            recorded = record(event, mail.get());
        } catch (RuntimeException e) {
            // Another instance recorded the same report (or suppressed the address) at the same moment.
            if (!UniqueViolation.is(e)) {
                throw e;
            }
            recorded = record(event, mail.get());
        }
        if (!recorded) {
            return Result.DUPLICATE;
        }
        Counter.builder("mailgate.mail.events").description("Events recorded on mails, by type and reporter")
                .tag("type", event.type().wire()).tag("source", event.source()).register(meters).increment();
        return Result.RECORDED;
    }

    private boolean record(MailEvent event, MailEvents.Target mail) {
        return jdbi.inTransaction(handle -> {
            if (!events.add(handle, event)) {
                return false;
            }
            suppress(handle, event, mail);
            for (Listener listener : listeners) {
                listener.recorded(handle, event, mail);
            }
            return true;
        });
    }

    private void suppress(Handle handle, MailEvent event, MailEvents.Target mail) {
        if (event.recipient().isEmpty()) {
            return;
        }
        String address = event.recipient().get();
        String detail = event.detail().map(d -> ": " + d).orElse("");
        switch (event.type()) {
            case BOUNCED -> {
                if (event.bounce().orElse(MailEvent.Bounce.HARD) == MailEvent.Bounce.HARD) {
                    add(handle, mail, address, "hard bounce (" + event.source() + ")" + detail, "bounce");
                } else {
                    long since = event.occurredAt() - settings.softBounceDays() * 86_400_000L;
                    int soft = events.softBounces(handle, mail.clientId(), address, since);
                    if (soft >= settings.softBounceLimit()) {
                        add(handle, mail, address, soft + " soft bounces within " + settings.softBounceDays() + " days (" + event.source()
                                + ")" + detail, "bounce");
                    }
                }
            }
            case COMPLAINED -> add(handle, mail, address, "complaint (" + event.source() + ")" + detail, "complaint");
            case UNSUBSCRIBED -> add(handle, mail, address, "unsubscribed (" + event.source() + ")", "unsubscribe");
            default -> {
            }
        }
    }

    private void add(Handle handle, MailEvents.Target mail, String address, String reason, String source) {
        if (suppressions.add(handle, mail.clientId(), address, reason, source)) {
            Counter.builder("mailgate.suppressions.added").description("Addresses suppressed by what providers reported")
                    .tag("source", source).register(meters).increment();
        }
    }

    private Counter counter(String name, Report report) {
        return Counter.builder(name).description("Reports about mails Mailgate does not know").tag("source", report.source())
                .register(meters);
    }

    /** The reporter's key as kept: a long one (an address in it) by its hash. */
    private static String sourceKey(Report report) {
        String key = report.sourceKey();
        return key.length() <= 200 ? key : report.source() + ":sha256:" + io.mailgate.security.Secrets.sha256(key);
    }

    private static String cut(String detail) {
        String flat = detail.strip();
        return flat.length() > MailEvent.MAX_DETAIL ? flat.substring(0, MailEvent.MAX_DETAIL - 1) + "…" : flat;
    }
}
