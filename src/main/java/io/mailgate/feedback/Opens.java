package io.mailgate.feedback;

import java.time.Clock;
import java.util.Optional;

import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.mail.MailRecords;
import io.mailgate.platform.Ids;

/**
 * An open of the tracking image: the mail's {@code views} count one more (as Extra Horizon counts them)
 * and its record gets an {@code opened} event, flagged when a machine opened it.
 */
public class Opens {

    private final MailRecords records;
    private final MailEvents events;
    private final Feedback feedback;
    private final MachineOpens machines;
    private final Clock clock;

    public Opens(MailRecords records, MailEvents events, Feedback feedback, MachineOpens machines, Clock clock) {
        this.records = records;
        this.events = events;
        this.feedback = feedback;
        this.machines = machines;
        this.clock = clock;
    }

    /** @return the records affected: 1, or 0 when no mail has the hash */
    public int open(Object trackingHash, Object userAgent) {
        Optional<String> mailId = records.countOpen(trackingHash);
        if (mailId.isEmpty()) {
            return 0;
        }
        long now = clock.millis();
        Optional<MailEvents.Target> mail = events.byMailId(mailId.get());
        Optional<String> agent = userAgent instanceof String text && !text.isBlank() ? Optional.of(text) : Optional.empty();
        boolean machine = machines.isMachine(agent, mail.flatMap(MailEvents.Target::sentAt), now);
        feedback.report(mail, Feedback.Report.of("tracking", "tracking:" + Ids.newId(now), MailEvent.Type.OPENED, now, null)
                .detail(agent.orElse(null)).machine(machine));
        return 1;
    }
}
