package io.mailgate.feedback;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailgate.mail.Addresses;
import io.mailgate.mail.DeliveryOutcome;
import io.mailgate.mail.Mail;
import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.mail.MailRequest;

/**
 * What an SMTP server answered during the send: a recipient refused for good at RCPT TO (5xx) is a hard
 * bounce at once; so is every recipient of a message refused for good at DATA, unless the answer's
 * enhanced status code blames the message rather than the mailbox (X.3 system, X.5 protocol, X.6
 * content, X.7 policy - a spam verdict must not suppress the addresses). Runs after every delivery
 * attempt and touches the database only when there is such an answer.
 */
public class SmtpBounces {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmtpBounces.class);
    private static final Pattern ENHANCED = Pattern.compile("\\b5\\.([0-9]{1,3})\\.[0-9]{1,3}\\b");

    private final Feedback feedback;
    private final MailEvents events;
    private final Clock clock;

    public SmtpBounces(Feedback feedback, MailEvents events, Clock clock) {
        this.feedback = feedback;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records the attempt's hard bounces. The attempt is on the mail's record already (with the refused
     * recipients and the server's answers): a failure here is logged and leaves delivery alone.
     */
    public void record(DeliveryOutcome outcome) {
        try {
            bounces(outcome);
        } catch (RuntimeException e) {
            LOG.warn("The SMTP bounces of mail {} could not be recorded: {}", outcome.outbound().mail().id(), e.getClass().getSimpleName());
        }
    }

    private void bounces(DeliveryOutcome outcome) {
        List<Mail.RefusedRecipient> bounced = outcome.refused().stream()
                .filter(refusal -> refusal.permanent() && refusal.code() >= 500 && refusal.code() < 600).toList();
        String refusal = outcome.messageRefusal();
        boolean messageBounced = refusal != null && blamesMailbox(refusal);
        if (bounced.isEmpty() && !messageBounced) {
            return;
        }
        Mail mail = outcome.outbound().mail();
        Optional<MailEvents.Target> target = events.byMailId(mail.id());
        long now = clock.millis();
        for (Mail.RefusedRecipient recipient : bounced) {
            feedback.report(target, report(mail, recipient.address(), now, recipient.code() + " " + recipient.response()));
        }
        if (messageBounced) {
            MailRequest.Recipients all = mail.recipients();
            for (List<String> list : List.of(all.to(), all.cc(), all.bcc())) {
                for (String address : list) {
                    feedback.report(target, report(mail, Addresses.bare(address), now, refusal));
                }
            }
        }
    }

    private static Feedback.Report report(Mail mail, String address, long now, String answer) {
        String bare = Addresses.bare(address);
        return Feedback.Report.of("smtp", "smtp:" + mail.id() + ":" + bare.toLowerCase(java.util.Locale.ROOT), MailEvent.Type.BOUNCED,
                now, bare).bounce(MailEvent.Bounce.HARD).detail(answer);
    }

    /** Whether a 5xx answer is about the mailbox (X.1 addressing, X.2 mailbox, or no enhanced code to say otherwise). */
    static boolean blamesMailbox(String answer) {
        Matcher enhanced = ENHANCED.matcher(answer);
        if (!enhanced.find()) {
            return true;
        }
        String subject = enhanced.group(1);
        return subject.equals("1") || subject.equals("2");
    }
}
