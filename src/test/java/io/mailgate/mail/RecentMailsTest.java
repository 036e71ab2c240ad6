package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The copies delivery takes instead of reading a mail back: taken once, and bounded by size and age. */
class RecentMailsTest {

    @Test
    void aCopyIsTakenOnceAndOnlyForItsMail() {
        RecentMails recent = new RecentMails(100_000, 60_000);
        recent.put(outbound("a", "body a"), 0);
        recent.put(outbound("b", "body b"), 0);
        assertNull(recent.take("c"));
        assertEquals("body a", recent.take("a").mail().body());
        assertNull(recent.take("a"), "a copy is handed out once");
        assertNotNull(recent.take("b"));
    }

    @Test
    void theOldestCopiesGoWhenTheBudgetIsSpent() {
        RecentMails recent = new RecentMails(1_000, 60_000);
        for (int i = 0; i < 5; i++) {
            recent.put(outbound("m" + i, "x".repeat(250)), i);
        }
        assertNull(recent.take("m0"), "evicted for room");
        assertNull(recent.take("m1"), "evicted for room");
        assertNull(recent.take("m2"), "evicted for room");
        assertNotNull(recent.take("m4"), "the newest stays");
    }

    @Test
    void aMailLargerThanTheBudgetIsNotKept() {
        RecentMails recent = new RecentMails(1_000, 60_000);
        recent.put(outbound("big", "x".repeat(5_000)), 0);
        assertNull(recent.take("big"));
    }

    @Test
    void copiesOlderThanTheAgeLimitGo() {
        RecentMails recent = new RecentMails(100_000, 1_000);
        recent.put(outbound("old", "body"), 0);
        recent.put(outbound("new", "body"), 5_000);
        assertNull(recent.take("old"), "older than the claim timeout: read from the database instead");
        assertNotNull(recent.take("new"));
    }

    private static OutboundMail outbound(String id, String body) {
        Mail mail = new Mail(id, "client", "from@example.com", List.of(),
                new MailRequest.Recipients(List.of("to@example.com"), List.of(), List.of()), "subject", body,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Mail.Status.QUEUED, Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, Mail.Attempts.NONE, MailOptions.NONE);
        return new OutboundMail(mail, List.of(), Optional.empty(), false);
    }
}
