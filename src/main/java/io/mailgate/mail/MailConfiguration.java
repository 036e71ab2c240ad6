package io.mailgate.mail;

import org.apache.camel.component.mail.MailComponent;

import io.mailgate.platform.Platform;
import io.mailgate.platform.Settings;
import io.mailgate.template.Templates;

/**
 * Wires the mail feature: accepting a mail (parse, compose, store once per idempotency key), its
 * record, the claims delivery makes on it, and the smtp component that keeps connections open.
 */
public final class MailConfiguration {

    /** What the copies of recently stored mails may hold, in characters (about twice as many bytes). */
    private static final long RECENT_MAX_CHARS = 1_000_000;

    private final MailRecords records;
    private final DeliveryClaims claims;
    private final MailMetrics metrics;
    private final MimeMessageBuilder messages;

    public MailConfiguration(Platform platform, Templates templates) {
        Settings settings = platform.settings();
        // SMTP connections stay open between mails (camel-mail opens and closes one per mail).
        platform.context().addComponent("smtp", new MailComponent(new KeepAliveMailConfiguration(platform.context())));
        metrics = platform.bind(new MailMetrics(platform.meters()));
        RecentMails recent = new RecentMails(RECENT_MAX_CHARS, settings.claimTimeoutMillis());
        IdempotencyKeyStore keys = platform.bind(new IdempotencyKeyStore(platform.jdbi(), platform.clock(),
                settings.idempotencyTtlHours() * 3_600_000L));
        records = platform.bind(new MailRecords(platform.jdbi(), platform.json(), platform.clock(), keys, recent));
        claims = platform.bind(new DeliveryClaims(platform.jdbi(), platform.clock(), settings.claimTimeoutMillis(), recent));
        platform.bind(new MailRequestParser(platform.json(), settings.mailFrom(), settings.maxMessageBytes()));
        platform.bind(new MailComposer(templates, platform.json().mapper()));
        platform.bind(new IdempotencyKeys());
        platform.bind(new AcceptedMails());
        platform.bind(new MailViews(platform.json(), records));
        platform.bind(new TrackingPixel());
        messages = new MimeMessageBuilder(settings.mailFrom());
    }

    public MailRecords records() {
        return records;
    }

    public DeliveryClaims claims() {
        return claims;
    }

    public MailMetrics metrics() {
        return metrics;
    }

    public MimeMessageBuilder messages() {
        return messages;
    }
}
