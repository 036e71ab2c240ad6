package io.mailgate.feedback;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.mailgate.mail.Mail;
import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.mail.MailRecords;
import io.mailgate.mail.UnsubscribeLinks;
import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * The one-click unsubscribe link of a mail that asked for one (RFC 8058): a POST to it - what the big
 * mailbox providers send when their user clicks "unsubscribe" - records an {@code unsubscribed} event
 * and suppresses the mail's recipient for the mail's client. A GET (a person following the link, or a
 * scanner fetching it) only shows a page with the button: nothing changes until the POST.
 */
public class OneClickUnsubscribe {

    private final UnsubscribeLinks links;
    private final MailRecords mails;
    private final MailEvents events;
    private final Feedback feedback;
    private final Clock clock;

    public OneClickUnsubscribe(UnsubscribeLinks links, MailRecords mails, MailEvents events, Feedback feedback, Clock clock) {
        this.links = links;
        this.mails = mails;
        this.events = events;
        this.feedback = feedback;
        this.clock = clock;
    }

    /** GET: a page asking to confirm, with a form that POSTs to the same link. */
    public String page(String mailId, String signature) {
        recipient(mailId, signature);
        return html("Unsubscribe", "<p>Stop receiving these mails?</p>"
                + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                + "<button type=\"submit\">Unsubscribe</button></form>");
    }

    /** POST: the recipient is unsubscribed (again: nothing changes). */
    public String unsubscribe(String mailId, String signature) {
        String recipient = recipient(mailId, signature);
        feedback.report(events.byMailId(mailId), Feedback.Report.of("unsubscribe", "unsubscribe:" + mailId, MailEvent.Type.UNSUBSCRIBED,
                clock.millis(), recipient));
        return html("Unsubscribed", "<p>You will not receive these mails any more.</p>");
    }

    private String recipient(String mailId, String signature) {
        if (!links.verify(mailId, signature)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "This unsubscribe link is not valid");
        }
        Mail mail = mails.find(mailId).orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN, "The mail of this link is gone"));
        List<String> all = new java.util.ArrayList<>(mail.recipients().to());
        all.addAll(mail.recipients().cc());
        all.addAll(mail.recipients().bcc());
        Optional<String> only = all.size() == 1 ? Optional.of(all.get(0)) : Optional.empty();
        String address = only.orElseThrow(() -> new ApiException(ErrorCode.RESOURCE_UNKNOWN,
                "The mail of this link has no single recipient any more"));
        return io.mailgate.mail.Addresses.bare(address);
    }

    private static String html(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width, initial-scale=1\"><title>" + title + "</title></head><body><main><h1>" + title
                + "</h1>" + body + "</main></body></html>";
    }
}
