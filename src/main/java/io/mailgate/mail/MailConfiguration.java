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
    /** A copy older than this is not trusted to be the latest: the mail is read from the database. */
    private static final long RECENT_MAX_AGE_MILLIS = 600_000;
    private static final java.util.regex.Pattern INSTANCE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final MailRecords records;
    private final MailEvents events;
    private final UnsubscribeLinks unsubscribeLinks;
    private final DeliveryClaims claims;
    private final MailMetrics metrics;
    private final MimeMessageBuilder messages;

    public MailConfiguration(Platform platform, Templates templates, io.mailgate.security.SecretBox secretBox) {
        Settings settings = platform.settings();
        // SMTP connections stay open between mails (camel-mail opens and closes one per mail).
        platform.context().addComponent("smtp", new MailComponent(new KeepAliveMailConfiguration(platform.context())));
        metrics = platform.bind(new MailMetrics(platform.meters()));
        RecentMails recent = new RecentMails(RECENT_MAX_CHARS, RECENT_MAX_AGE_MILLIS);
        IdempotencyKeyStore keys = platform.bind(new IdempotencyKeyStore(platform.jdbi(), platform.clock(),
                settings.idempotencyTtlHours() * 3_600_000L));
        records = platform.bind(new MailRecords(platform.jdbi(), platform.json(), platform.clock(), keys, recent));
        claims = platform.bind(new DeliveryClaims(platform.jdbi(), platform.clock(), settings.delivery(),
                instanceId(settings), recent, settings.delivery().consumers()));
        metrics.watchDeferred(claims);
        platform.bind(new DeliveryWakeups(platform.context()));
        platform.bind(new Backlog(platform.jdbi(), platform.clock(), settings.maxBacklog()));
        platform.bind(new MailRequestParser(platform.json(), settings.mailFrom(), settings.maxMessageBytes()));
        platform.bind(new MailComposer(templates, platform.json().mapper()));
        platform.bind(new IdempotencyKeys());
        platform.bind(new AcceptedMails());
        events = platform.bind(new MailEvents(platform.jdbi(), platform.clock()));
        platform.bind(new MailViews(platform.json(), records, events));
        platform.bind(new TrackingPixel());
        platform.bind(new MailPreviews(records, templates, platform.json()));
        unsubscribeLinks = platform.bind(new UnsubscribeLinks(secretBox, settings.publicUrl()));
        messages = new MimeMessageBuilder(settings.mailFrom(), settings.delivery().messageIdDomain(), unsubscribeLinks);
        // The send queue in batches: mailgate.queue.consumers sessions take turns (one fills its batch while
        // another commits), every message of a batch in flight at once so that their mails share commits.
        // Messages the embedded broker marks large go to receive-large-mail, one at a time (mail-accept).
        try {
            Settings.Queues queues = settings.queues();
            platform.context().addService(new io.mailgate.platform.broker.QueueBatches(platform.context(),
                    platform.broker().uncachedConnectionFactory(), queues.send(), "mailgate_large IS NULL",
                    "direct:receive-mail", queues.consumers(), queues.batchSize(), settings.maxQueueMessageBytes(),
                    queues.consumers() * queues.batchSize(), platform.meters()));
        } catch (Exception e) {
            throw new IllegalStateException("The send queue's consumer did not start", e);
        }
    }

    /**
     * This instance's name in delivery claims: the configured one, or one made up at first start and
     * kept in the data directory, so that after a restart the instance knows its old claims as its own.
     */
    static String instanceId(Settings settings) {
        String configured = settings.delivery().instanceId();
        if (!configured.isBlank()) {
            if (!INSTANCE_ID.matcher(configured).matches()) {
                throw new IllegalStateException("Configuration mailgate.delivery.instance-id must be 1 to 64 letters, digits, "
                        + "dots, dashes or underscores");
            }
            return configured;
        }
        java.nio.file.Path file = settings.dataDir().resolve("instance-id");
        try {
            if (java.nio.file.Files.exists(file)) {
                String stored = java.nio.file.Files.readString(file).trim();
                if (INSTANCE_ID.matcher(stored).matches()) {
                    return stored;
                }
            }
            java.nio.file.Files.createDirectories(settings.dataDir());
            String made = "mailgate-" + java.util.UUID.randomUUID().toString().substring(0, 13);
            java.nio.file.Files.writeString(file, made + "\n");
            return made;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot keep this instance's id in " + file, e);
        }
    }

    public UnsubscribeLinks unsubscribeLinks() {
        return unsubscribeLinks;
    }

    public MailEvents events() {
        return events;
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
