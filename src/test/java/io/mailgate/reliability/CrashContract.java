package io.mailgate.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.MailgateProcess;
import io.mailgate.support.QueueProducer;
import io.mailgate.support.TestDatabase;
import io.mailgate.support.Waiter;

/**
 * Kills Mailgate with SIGKILL while 2,000 mails stream in over REST and the queue, restarts it on the
 * same data, and checks every acknowledged mail against what the SMTP sink received.
 */
abstract class CrashContract {

    private static final int PER_CHANNEL = 1000;
    private static final int KILL_AFTER = 700;
    private static final int CONSUMERS = 4;

    private final TestDatabase database;
    private GreenMail smtp;
    private Path dataDir;
    private Path log;

    CrashContract(TestDatabase database) {
        this.database = database;
    }

    @BeforeEach
    void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        dataDir = MailgateInstance.tempDir();
        Files.createDirectories(Path.of("target/test-logs"));
        log = Path.of("target/test-logs/crash-" + database.name().toLowerCase() + ".log");
        Files.deleteIfExists(log);
    }

    @AfterEach
    void stop() {
        smtp.stop();
    }

    @Test
    void everyAcknowledgedMailIsDeliveredOnceAfterAKillNine() throws Exception {
        Map<String, String> environment = MailgateProcess.environment(dataDir, smtp.getSmtp().getPort(), settings());
        String run = "crash-" + Long.toHexString(System.nanoTime());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger rejected = new AtomicInteger();

        MailgateProcess first = MailgateProcess.start(environment, log);
        List<Integer> restLeft = new ArrayList<>();
        List<Integer> queueLeft = new ArrayList<>();
        sendUntilKilled(first, environment, run, acknowledged, rejected, restLeft, queueLeft);

        MailgateProcess second = MailgateProcess.start(environment, log);
        try {
            // The rest of the stream goes to the restarted gateway.
            send(second, environment, run, restLeft, queueLeft, acknowledged, rejected, null);
            Api api = second.api();
            String token = api.rootToken();
            try {
                Waiter.until(Duration.ofSeconds(120), "every acknowledged mail to arrive", () ->
                        delivered(run).keySet().containsAll(acknowledged));
            } catch (AssertionError timeout) {
                Set<String> missing = new java.util.TreeSet<>(acknowledged);
                missing.removeAll(delivered(run).keySet());
                System.out.printf("CRASH TEST (%s): %d acknowledged, %d missing, e.g. %s%n", database, acknowledged.size(),
                        missing.size(), missing.stream().limit(10).toList());
                for (String subject : missing.stream().limit(5).toList()) {
                    System.out.println("  " + subject + ": " + api.get("/mail/v1/?eq(subject," + subject.replace(" ", "%2520")
                            + ")", token).body());
                }
                System.out.println("  dead letters: " + api.get("/api/v1/dead-letters?size=5", token).body());
                throw timeout;
            }
            Waiter.until(Duration.ofSeconds(60), "no mail left queued or sending", () ->
                    api.get("/mail/v1/queued?ne(status,failed)&like(subject," + run + "*)&limit(1)", token).json()
                            .get("page").get("total").asInt() == 0);

            Map<String, List<String>> received = delivered(run);
            int lost = 0;
            int duplicated = 0;
            for (String subject : acknowledged) {
                List<String> copies = received.getOrDefault(subject, List.of());
                lost += copies.isEmpty() ? 1 : 0;
                if (copies.size() > 1) {
                    duplicated++;
                    assertEquals(1, Set.copyOf(copies).size(), subject + " was sent again under another Message-ID");
                }
            }
            int unacknowledgedButDelivered = (int) received.keySet().stream().filter(s -> !acknowledged.contains(s)).count();
            System.out.printf("CRASH TEST (%s): %d mails attempted, %d acknowledged (REST 200 or queue send), %d refused while "
                            + "down, %d delivered, %d delivered exactly once, %d delivered twice (same Message-ID), %d lost, "
                            + "%d delivered without an acknowledgement%n", database, 2 * PER_CHANNEL, acknowledged.size(),
                    rejected.get(), received.size(), acknowledged.size() - lost - duplicated, duplicated, lost,
                    unacknowledgedButDelivered);
            assertEquals(0, lost, "acknowledged mails that never arrived");
            assertTrue(duplicated <= CONSUMERS, duplicated + " mails arrived twice: more than could have been mid-send at the kill");
            assertTrue(acknowledged.size() >= 2 * PER_CHANNEL - rejected.get(), "every attempt is either acknowledged or refused");
        } finally {
            second.terminate(Duration.ofSeconds(20));
        }
    }

    @Test
    void sigtermStopsWithinTheTimeoutAndLosesNothing() throws Exception {
        Map<String, String> environment = MailgateProcess.environment(dataDir, smtp.getSmtp().getPort(), settings());
        String run = "term-" + Long.toHexString(System.nanoTime());
        MailgateProcess first = MailgateProcess.start(environment, log);
        Api api = first.api();
        String token = api.rootToken();
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String subject = run + " " + i;
            assertEquals(200, api.postJson("/mail/v1/", token, mail(subject)).status());
            subjects.add(subject);
        }
        long start = System.nanoTime();
        int code = first.terminate(Duration.ofSeconds(20));
        long stoppedIn = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("SIGTERM (%s): exit code %d after %d ms%n", database, code, stoppedIn);
        assertTrue(code >= 0, "Mailgate did not stop within 20 s of SIGTERM");
        assertTrue(stoppedIn < 15_000, "stopped in " + stoppedIn + " ms; the shutdown timeout is 10 s");

        MailgateProcess second = MailgateProcess.start(environment, log);
        try {
            Waiter.until(Duration.ofSeconds(60), "every accepted mail to arrive", () -> delivered(run).keySet().containsAll(subjects));
            Waiter.until(Duration.ofSeconds(30), "nothing queued", () -> second.api().get("/mail/v1/queued?ne(status,failed)&like(subject,"
                            + run + "*)",
                    second.api().rootToken()).json().get("page").get("total").asInt() == 0);
            delivered(run).forEach((subject, copies) -> assertEquals(1, Set.copyOf(copies).size(), subject));
        } finally {
            second.terminate(Duration.ofSeconds(20));
        }
    }

    private Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "MAILGATE_DELIVERY_CONSUMERS", Integer.toString(CONSUMERS),
                // A lease far longer than the test waits: the mails that were mid-send at the kill go out
                // again only because the restarted instance takes its own claims back at start.
                "MAILGATE_DELIVERY_LEASE", "10m",
                "MAILGATE_DELIVERY_SWEEP_INTERVAL_MS", "1000",
                "MAILGATE_DELIVERY_RETRY_SCHEDULE", "100ms"));
        settings.putAll(database.environment());
        return settings;
    }

    /** Streams mails over both channels until KILL_AFTER are acknowledged, then kills the gateway mid-stream. */
    private void sendUntilKilled(MailgateProcess gateway, Map<String, String> environment, String run, Set<String> acknowledged,
                                 AtomicInteger rejected, List<Integer> restLeft, List<Integer> queueLeft) throws Exception {
        List<Integer> rest = new ArrayList<>();
        List<Integer> queue = new ArrayList<>();
        for (int i = 0; i < PER_CHANNEL; i++) {
            rest.add(i);
            queue.add(i);
        }
        Set<Integer> restDone = ConcurrentHashMap.newKeySet();
        Set<Integer> queueDone = ConcurrentHashMap.newKeySet();
        Runnable killer = () -> {
            try {
                gateway.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        send(gateway, environment, run, rest, queue, acknowledged, rejected, new Kill(KILL_AFTER, killer, restDone, queueDone));
        for (Integer i : rest) {
            if (!restDone.contains(i)) {
                restLeft.add(i);
            }
        }
        for (Integer i : queue) {
            if (!queueDone.contains(i)) {
                queueLeft.add(i);
            }
        }
    }

    /** When to kill, and which attempts were made (acknowledged or refused) before the gateway went away. */
    private record Kill(int afterAcknowledged, Runnable action, Set<Integer> restDone, Set<Integer> queueDone) {
    }

    private void send(MailgateProcess gateway, Map<String, String> environment, String run, List<Integer> rest, List<Integer> queue,
                      Set<String> acknowledged, AtomicInteger rejected, Kill kill) throws Exception {
        Api api = gateway.api();
        String token = api.rootToken();
        AtomicInteger killed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> work = new ArrayList<>();
            List<List<Integer>> slices = slices(rest, 4);
            for (List<Integer> slice : slices) {
                work.add(pool.submit(() -> {
                    for (int i : slice) {
                        if (kill != null && killed.get() > 0) {
                            return;
                        }
                        String subject = run + " rest " + i;
                        try {
                            if (api.postJson("/mail/v1/", token, mail(subject)).status() == 200) {
                                acknowledged.add(subject);
                            } else {
                                rejected.incrementAndGet();
                            }
                        } catch (RuntimeException refused) {
                            rejected.incrementAndGet();
                        }
                        if (kill != null) {
                            kill.restDone().add(i);
                            maybeKill(kill, acknowledged, killed);
                        }
                    }
                }));
            }
            work.add(pool.submit(() -> {
                try (QueueProducer producer = new QueueProducer(Integer.parseInt(environment.get("MAILGATE_BROKER_PORT")))) {
                    for (int i : queue) {
                        if (kill != null && killed.get() > 0) {
                            return;
                        }
                        String subject = run + " queue " + i;
                        try {
                            producer.send(Api.write(mail(subject)), Map.of());
                            acknowledged.add(subject);
                        } catch (RuntimeException refused) {
                            rejected.incrementAndGet();
                        }
                        if (kill != null) {
                            kill.queueDone().add(i);
                            maybeKill(kill, acknowledged, killed);
                        }
                    }
                } catch (RuntimeException connectionLost) {
                    // the gateway went away under the producer: the rest is sent after the restart
                }
            }));
            for (Future<?> future : work) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void maybeKill(Kill kill, Set<String> acknowledged, AtomicInteger killed) {
        if (acknowledged.size() >= kill.afterAcknowledged() && killed.compareAndSet(0, 1)) {
            kill.action().run();
        }
    }

    private static <T> List<List<T>> slices(List<T> items, int count) {
        List<List<T>> slices = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            List<T> slice = new ArrayList<>();
            for (int i = s; i < items.size(); i += count) {
                slice.add(items.get(i));
            }
            slices.add(slice);
        }
        return slices;
    }

    /** Subject → the Message-IDs it arrived under, one per copy. */
    private Map<String, List<String>> delivered(String run) throws Exception {
        Map<String, List<String>> bySubject = new HashMap<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            String subject = message.getSubject();
            if (subject != null && subject.startsWith(run)) {
                bySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(message.getMessageID());
            }
        }
        return bySubject;
    }

    private static Map<String, Object> mail(String subject) {
        return Map.of("recipients", Map.of("to", List.of("crash@example.com")), "subject", subject, "body", "x");
    }
}
