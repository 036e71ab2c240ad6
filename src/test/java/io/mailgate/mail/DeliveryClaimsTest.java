package io.mailgate.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stored row is the queue: claims take the earliest due mails in one batch, only as many as there
 * is room for, never a mail that is not due or already claimed; released claims are due again.
 */
class DeliveryClaimsTest {

    private static final long NOW = 1_800_000_000_000L;
    private Jdbi jdbi;
    private String url;
    private int database;

    @BeforeEach
    void schema() {
        url = "jdbc:h2:mem:claims" + (database++) + System.nanoTime()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        Flyway.configure().dataSource(url, "sa", "").locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        jdbi = Jdbi.create(url, "sa", "");
    }

    @Test
    void aClaimTakesTheEarliestDueMailsUpToItsRoomInOneBatch() {
        for (int i = 0; i < 6; i++) {
            mail(id("m" + i), NOW - 1000 + i);
        }
        mail(id("later"), NOW + 60_000);
        DeliveryClaims claims = claims("a", 4);
        List<OutboundMail> first = claims.claimDue();
        assertEquals(List.of(id("m0"), id("m1"), id("m2"), id("m3")), ids(first));
        assertEquals(List.of(), claims.claimDue(), "no room until a delivery is done");
        claims.done(id("m0"));
        claims.done(id("m1"));
        assertEquals(List.of(id("m4"), id("m5")), ids(claims.claimDue()), "the mail due later is not taken");
        assertEquals("sending", status(id("m4")));
        int attempts = jdbi.withHandle(h -> h.createQuery("SELECT attempts FROM mail WHERE id = ?").bind(0, id("m4")).mapTo(Integer.class).one());
        assertEquals(1, attempts);
    }

    @Test
    void anotherInstanceNeverTakesAClaimedMailAndAReleasedOneIsDueAgain() {
        mail(id("x"), NOW - 1);
        DeliveryClaims first = claims("first", 10);
        DeliveryClaims second = claims("second", 10);
        assertEquals(List.of(id("x")), ids(first.claimDue()));
        assertEquals(List.of(), second.claimDue());
        assertEquals(0, second.releaseExpired(), "the lease still runs");
        DeliveryClaims later = new DeliveryClaims(jdbi, Clock.fixed(Instant.ofEpochMilli(NOW + 120_000), ZoneOffset.UTC),
                settings(), "second", new RecentMails(0, 0), 10);
        assertEquals(1, later.releaseExpired(), "the first instance died: its lease ran out");
        assertEquals(List.of(id("x")), ids(later.claimDue()));
    }

    @Test
    void aRestartedInstanceTakesBackItsOwnClaims() {
        mail(id("y"), NOW - 1);
        assertEquals(List.of(id("y")), ids(claims("same", 10).claimDue()));
        DeliveryClaims restarted = new DeliveryClaims(jdbi, Clock.fixed(Instant.ofEpochMilli(NOW + 10), ZoneOffset.UTC),
                settings(), "same", new RecentMails(0, 0), 10);
        assertEquals(1, restarted.takeBackAtStart());
        assertEquals("queued", status(id("y")));
        assertEquals(List.of(id("y")), ids(restarted.claimDue()));
    }

    @Test
    void theLeasesOfClaimedMailsAreRenewedUntilTheirDeliveryIsDone() {
        mail(id("long"), NOW - 1);
        mail(id("short"), NOW - 1);
        long[] now = {NOW};
        Clock moving = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(now[0]); }
        };
        DeliveryClaims claims = new DeliveryClaims(jdbi, moving, settings(), "a", new RecentMails(0, 0), 10);
        assertEquals(2, claims.claimDue().size());
        claims.done(id("short"));
        now[0] += 20_000;
        assertEquals(1, claims.renewLeases(), "only the mail still in this instance's hands");
        assertEquals(NOW + 20_000 + 30_000, lease(id("long")));
        assertEquals(NOW + 30_000, lease(id("short")), "a delivery that is done, finished or not, lets its lease run out");
        assertEquals(0, claims.renewLeases(), "not again within a third of the lease");
    }

    @Test
    void aProviderBackUpMakesTheMailsItDeferredDueAtOnce() {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO mail (id, creator_id, from_address, views, status, creation_timestamp, "
                        + "update_timestamp, waiting_parts, next_attempt_at, due_at, last_error) VALUES (?, 'c', 'f@example.com', 0, "
                        + "'queued', ?, ?, FALSE, ?, ?, 'smtp: 421 try later')")
                .bind(0, id("deferred")).bind(1, NOW).bind(2, NOW).bind(3, NOW + 3_600_000).bind(4, NOW + 3_600_000).execute());
        DeliveryClaims claims = claims("a", 10);
        assertEquals(List.of(), claims.claimDue(), "due in an hour");
        assertEquals(1, claims.wakeDeferredBy("smtp"));
        assertEquals(List.of(id("deferred")), ids(claims.claimDue()));
    }

    private long lease(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT lease_until FROM mail WHERE id = ?").bind(0, id).mapTo(Long.class).one());
    }

    @Test
    void aClaimWhoseCommitFailsHoldsNothingAndItsMailsComeBackWhenTheLeaseRunsOut() {
        mail(id("lost"), NOW - 1);
        java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
        DeliveryClaims claims = new DeliveryClaims(Jdbi.create(breakingAfterCommit(broken)), Clock.fixed(Instant.ofEpochMilli(NOW),
                ZoneOffset.UTC), settings(), "a", new RecentMails(0, 0), 10);
        try {
            claims.claimDue();
            throw new AssertionError("the claim should have failed");
        } catch (RuntimeException expected) {
            // the database went away as the claim committed
        }
        assertEquals(0, claims.inFlight(), "a claim that failed holds nothing");
        assertEquals(0, claims.renewLeases(), "and renews no lease");
        assertEquals("sending", status(id("lost")), "the commit went through before the connection broke");
        DeliveryClaims later = new DeliveryClaims(jdbi, Clock.fixed(Instant.ofEpochMilli(NOW + 120_000), ZoneOffset.UTC),
                settings(), "a", new RecentMails(0, 0), 10);
        assertEquals(1, later.releaseExpired(), "the sweep gives it back once its lease ran out");
        assertEquals(List.of(id("lost")), ids(later.claimDue()));
    }

    /** H2 connections that commit, then break (as a database going away between the commit and its answer). */
    private javax.sql.DataSource breakingAfterCommit(java.util.concurrent.atomic.AtomicBoolean broken) {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL(url);
        h2.setUser("sa");
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(h2, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    java.sql.Connection connection = (java.sql.Connection) result;
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {java.sql.Connection.class},
                            (p, m, a) -> {
                                Object answer = invoke(connection, m, a);
                                if (m.getName().equals("commit") && broken.get()) {
                                    throw new java.sql.SQLException("connection broken", "08006");
                                }
                                return answer;
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private DeliveryClaims claims(String instance, int capacity) {
        return new DeliveryClaims(jdbi, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), settings(), instance,
                new RecentMails(0, 0), capacity);
    }

    @Test
    void aMailWhoseEveryRecipientIsSuppressedEndsSuppressedWithItsReason() {
        mail(id("sup"), NOW - 1);
        DeliveryClaims claims = claims("a", 4);
        OutboundMail claimed = claims.claimDue().get(0);
        DeliveryOutcome outcome = new DeliveryOutcome() {
            public OutboundMail outbound() { return claimed; }
            public Result result() { return Result.SUPPRESSED; }
            public String providerKey() { return null; }
            public String providerMessageId() { return null; }
            public String failureReason() { return "suppressed: to@example.com (hard bounce)"; }
            public List<String> pending() { return List.of(); }
            public List<Mail.RefusedRecipient> refused() {
                return List.of(new Mail.RefusedRecipient("to@example.com", 0, "suppressed: hard bounce", true));
            }
            public long retryAfterMillis() { return 0; }
            public void expire(String reason) { }
        };
        assertEquals(DeliveryOutcome.Result.SUPPRESSED, claims.finish(outcome));
        assertEquals("suppressed", status(id("sup")));
        assertEquals("suppressed: to@example.com (hard bounce)", jdbi.withHandle(h -> h.createQuery(
                "SELECT failure_reason FROM mail WHERE id = ?").bind(0, id("sup")).mapTo(String.class).one()));
    }

    private static DeliverySettings settings() {
        return new DeliverySettings(List.of(1000L), 86_400_000L, 3_600_000L, 30_000L, 4,
                new DeliverySettings.Circuit(10, 5, 50, 30_000), "unused", "", "");
    }

    private void mail(String id, long due) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO mail (id, creator_id, from_address, subject, body, views, status, "
                        + "creation_timestamp, update_timestamp, waiting_parts, due_at) VALUES (?, 'c', 'f@example.com', 's', 'b', 0, "
                        + "'queued', ?, ?, FALSE, ?)")
                .bind(0, id).bind(1, due).bind(2, due).bind(3, due).execute());
    }

    private String status(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM mail WHERE id = ?").bind(0, id).mapTo(String.class).one());
    }

    /** Mail ids are 24 characters (CHAR(24)). */
    private static String id(String name) {
        return name + "0".repeat(24 - name.length());
    }

    private static List<String> ids(List<OutboundMail> mails) {
        assertTrue(mails.stream().allMatch(m -> m.mail() != null));
        return mails.stream().map(m -> m.mail().id()).toList();
    }
}
