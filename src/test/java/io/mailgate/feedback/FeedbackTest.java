package io.mailgate.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mailgate.mail.MailEvent;
import io.mailgate.mail.MailEvents;
import io.mailgate.suppression.SuppressionList;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What a verified report does: the event goes on the mail once, a hard bounce, a complaint and an
 * unsubscribe suppress the address for the mail's client, soft bounces only once they repeat within
 * the window, and a report seen before or about an unknown mail changes nothing.
 */
class FeedbackTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static int database;

    private Jdbi jdbi;
    private MailEvents events;
    private SuppressionList suppressions;
    private Feedback feedback;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void schema() {
        String url = "jdbc:h2:mem:feedback" + (database++) + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        jdbi = Jdbi.create(url, "sa", "");
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        events = new MailEvents(jdbi, clock);
        suppressions = new SuppressionList(jdbi, clock);
        feedback = new Feedback(jdbi, events, suppressions, new FeedbackSettings(3, 7, 10, 300, Pattern.compile(".*"), ""), meters, clock);
    }

    @Test
    void aHardBounceGoesOnTheMailOnceAndSuppressesTheAddressForItsClient() {
        mail(id("a"), "client-1", "p-a");
        Feedback.Report bounce = Feedback.Report.of("ses", "ses:1", MailEvent.Type.BOUNCED, NOW - 5, "Gone@Example.com")
                .bounce(MailEvent.Bounce.HARD).detail("550 5.1.1 user unknown");
        assertEquals(Feedback.Result.RECORDED, feedback.report(events.byProviderMessageId("p-a"), bounce));
        assertEquals(Feedback.Result.DUPLICATE, feedback.report(events.byProviderMessageId("p-a"), bounce), "a redelivered report");
        List<MailEvent> recorded = events.of(List.of(id("a"))).get(id("a"));
        assertEquals(1, recorded.size());
        assertEquals("gone@example.com", recorded.get(0).recipient().orElseThrow());
        assertEquals(Optional.of(MailEvent.Bounce.HARD), recorded.get(0).bounce());
        var entry = suppressions.find("client-1", "gone@example.com").orElseThrow();
        assertEquals("bounce", entry.source());
        assertTrue(entry.reason().contains("550 5.1.1 user unknown"), entry.reason());
        assertTrue(suppressions.find("client-2", "gone@example.com").isEmpty(), "another client's list is its own");
        assertEquals(1.0, meters.counter("mailgate.mail.events", "type", "bounced", "source", "ses").count());
    }

    @Test
    void softBouncesSuppressOnlyWhenTheyRepeatWithinTheWindow() {
        mail(id("s1"), "c", null);
        mail(id("s2"), "c", null);
        mail(id("s3"), "c", null);
        mail(id("s4"), "c", null);
        soft(id("s1"), NOW - 8 * DAY);
        soft(id("s2"), NOW - 2 * DAY);
        soft(id("s3"), NOW - DAY);
        assertTrue(suppressions.find("c", "full@example.com").isEmpty(), "two within seven days, one older");
        soft(id("s4"), NOW);
        var entry = suppressions.find("c", "full@example.com").orElseThrow();
        assertTrue(entry.reason().startsWith("3 soft bounces within 7 days"), entry.reason());
    }

    @Test
    void complaintsAndUnsubscribesSuppressOpensAndDeliveriesDoNot() {
        mail(id("c"), "c", null);
        feedback.report(events.byMailId(id("c")), Feedback.Report.of("mailgun", "mg:1", MailEvent.Type.DELIVERED, NOW, "a@example.com"));
        feedback.report(events.byMailId(id("c")), Feedback.Report.of("mailgun", "mg:2", MailEvent.Type.OPENED, NOW, "a@example.com"));
        assertTrue(suppressions.find("c", "a@example.com").isEmpty());
        feedback.report(events.byMailId(id("c")), Feedback.Report.of("mailgun", "mg:3", MailEvent.Type.COMPLAINED, NOW, "a@example.com")
                .detail("abuse"));
        assertEquals("complaint", suppressions.find("c", "a@example.com").orElseThrow().source());
        feedback.report(events.byMailId(id("c")), Feedback.Report.of("mailgun", "mg:4", MailEvent.Type.UNSUBSCRIBED, NOW, "b@example.com"));
        assertEquals("unsubscribe", suppressions.find("c", "b@example.com").orElseThrow().source());
        assertEquals(4, events.of(List.of(id("c"))).get(id("c")).size());
    }

    @Test
    void aReportAboutNoMailOfOursChangesNothing() {
        assertEquals(Feedback.Result.UNKNOWN_MAIL, feedback.report(events.byProviderMessageId("nope"),
                Feedback.Report.of("ses", "ses:x", MailEvent.Type.BOUNCED, NOW, "x@example.com")));
        assertEquals(Feedback.Result.UNKNOWN_MAIL, feedback.report(events.byMailId("not-an-id"),
                Feedback.Report.of("ses", "ses:y", MailEvent.Type.BOUNCED, NOW, "x@example.com")));
        assertEquals(0, (int) jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM suppression").mapTo(Integer.class).one()));
        assertEquals(0, (int) jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM mail_event").mapTo(Integer.class).one()));
    }

    @Test
    void providerMessageIdsAreFoundWithOrWithoutAngleBrackets() {
        mail(id("b"), "c", "<20261127.1@mg.example.com>");
        assertEquals(id("b"), events.byProviderMessageId("20261127.1@mg.example.com").orElseThrow().mailId());
        assertEquals(id("b"), events.byProviderMessageId("<20261127.1@mg.example.com>").orElseThrow().mailId());
        assertFalse(events.byProviderMessageId("x".repeat(999)).isPresent());
    }

    private void soft(String mailId, long at) {
        feedback.report(events.byMailId(mailId), Feedback.Report.of("dsn", "dsn:" + mailId, MailEvent.Type.BOUNCED, at, "full@example.com")
                .bounce(MailEvent.Bounce.SOFT).detail("452 4.2.2 mailbox full"));
    }

    private void mail(String id, String client, String providerMessageId) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO mail (id, creator_id, from_address, subject, body, views, status, "
                        + "creation_timestamp, update_timestamp, waiting_parts, due_at, provider_message_id) VALUES (?, ?, 'f@example.com', "
                        + "'s', 'b', 0, 'sent', ?, ?, FALSE, ?, ?)")
                .bind(0, id).bind(1, client).bind(2, NOW - DAY * 10).bind(3, NOW - DAY * 10).bind(4, NOW).bind(5, providerMessageId)
                .execute());
    }

    /** Mail ids are 24 hexadecimal characters. */
    private static String id(String name) {
        return String.format("%24s", Integer.toHexString(name.hashCode() & 0x7fffffff)).replace(' ', '0');
    }
}
