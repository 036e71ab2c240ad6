package io.mailgate.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgate.support.Api;
import io.mailgate.support.MailgateInstance;
import io.mailgate.support.MailgateProcess;
import io.mailgate.support.QueueProducer;
import io.mailgate.support.Waiter;

/**
 * The shipped JVM options (-Xmx128m, serial GC) under oversized and concurrent input on every path at
 * once: the largest valid mails (3 MiB of text or attachment) and 17 MB messages on the queue, 15 MB bodies on the send and token endpoints, an
 * 11 MB attachment, and small valid mails in between. No answer is a 500, every valid mail is delivered,
 * a queue message over the limit is refused to its producer by the broker (no consumer reads it), the
 * gateway stays live and stops within its shutdown timeout.
 */
class OversizedInputIT {

    static final int BIG_QUEUE_MESSAGES = Integer.getInteger("bigQueue", 10);
    static final int HTTP_THREADS = Integer.getInteger("httpThreads", 4);
    /** Just under the default mailgate.mail.max-message-bytes (3 MiB): the largest valid mail. */
    static final int BIG_MAIL_KB = Integer.getInteger("bigMailKb", 3 * 1024 - 64);
    private int stopCode;
    private long stopMillis;

    @Test
    void theShippedDefaultsSurviveOversizedInputOnEveryPath() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(MailgateInstance.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        Path dataDir = MailgateInstance.tempDir();
        Files.createDirectories(Path.of("target/test-logs"));
        Map<String, String> environment = MailgateProcess.environment(dataDir, smtp.getSmtp().getPort(), Map.of());
        MailgateProcess gateway = MailgateProcess.startWithJvmOptions(List.of("-Xmx128m", "-XX:+UseSerialGC"), environment,
                Path.of("target/test-logs/oversized.log"));
        String run = "big-" + Long.toHexString(System.nanoTime());
        Set<String> answers = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Api api = gateway.api();
            String token = api.rootToken();
            int brokerPort = Integer.parseInt(environment.get("MAILGATE_BROKER_PORT"));
            String bigBody = "x".repeat(BIG_MAIL_KB * 1024);
            // The limit counts the MIME message: base64 and its line breaks make an attachment a third larger.
            String bigAttachment = Base64.getEncoder().encodeToString(new byte[(BIG_MAIL_KB - 64) * 1024 * 72 / 100]);
            String seventeenMegabytes = "y".repeat(17 * 1024 * 1024);
            String fifteenMegabyteAttachment = Base64.getEncoder().encodeToString(new byte[11 * 1024 * 1024]);
            List<Future<?>> work = new ArrayList<>();
            work.add(pool.submit(() -> {
                try (QueueProducer queue = new QueueProducer(brokerPort); QueueProducer amqp = QueueProducer.amqpAccepted(brokerPort)) {
                    for (int i = 0; i < BIG_QUEUE_MESSAGES; i++) {
                        // The largest valid mails, as text and as an attachment (base64 in the JSON, decoded for the
                        // MIME message), from Artemis core and AMQP 1.0 producers.
                        (i % 2 == 0 ? queue : amqp).send(Api.write((i / 2) % 2 == 0
                                ? Map.of("recipients", Map.of("to", List.of("big" + i + "@example.com")), "subject", run + " big " + i,
                                        "body", bigBody)
                                : Map.of("recipients", Map.of("to", List.of("big" + i + "@example.com")), "subject", run + " big " + i,
                                        "body", "x", "attachments", List.of(Map.of("name", "big.bin", "type", "application/octet-stream",
                                                "content", bigAttachment)))), Map.of());
                        try {
                            queue.send("{\"subject\":\"" + run + " poison " + i + "\",\"body\":\"" + seventeenMegabytes + "\"}",
                                    Map.of());
                            answers.add("queue accepted 17 MB");
                        } catch (RuntimeException refused) {
                            answers.add("queue refused 17 MB");
                        }
                    }
                }
                return null;
            }));
            for (int t = 0; t < HTTP_THREADS; t++) {
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 3; i++) {
                        answers.add("send " + api.postJson("/mail/v1/", token, Map.of("recipients",
                                Map.of("to", List.of("huge@example.com")), "subject", run + " huge", "body", "x",
                                "attachments", List.of(Map.of("name", "huge.bin", "type", "application/octet-stream",
                                        "content", fifteenMegabyteAttachment)))).status());
                        answers.add("token " + api.send(api.request("/api/v1/oauth/token", null)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("client_id=" + fifteenMegabyteAttachment))).status());
                    }
                    return null;
                }));
            }
            List<String> small = new ArrayList<>();
            try (QueueProducer queue = new QueueProducer(brokerPort)) {
                for (int i = 0; i < 100; i++) {
                    String subject = run + " small " + i;
                    small.add(subject);
                    if (i % 2 == 0) {
                        queue.send(Api.write(Map.of("recipients", Map.of("to", List.of("small@example.com")), "subject", subject,
                                "body", "x")), Map.of());
                    } else {
                        int status = api.postJson("/mail/v1/", token, Map.of("recipients", Map.of("to", List.of("small@example.com")),
                                "subject", subject, "body", "x")).status();
                        answers.add("small " + status);
                        if (status != 200) {
                            small.remove(subject);
                        }
                    }
                }
            }
            for (Future<?> future : work) {
                future.get(5, TimeUnit.MINUTES);
            }
            System.out.println("OVERSIZED: answers " + answers);
            assertTrue(answers.stream().noneMatch(answer -> answer.endsWith(" 500")), answers.toString());
            assertTrue(answers.stream().filter(a -> a.startsWith("token ")).allMatch(a -> a.equals("token 413")), answers.toString());
            assertTrue(answers.stream().filter(a -> a.startsWith("send ")).allMatch(a -> a.equals("send 400")
                    || a.equals("send 413") || a.equals("send 503")), answers.toString());
            assertEquals(200, api.get("/observe/health/live", null).status());

            Waiter.until(Duration.ofSeconds(180), "every valid mail delivered", () -> {
                Set<String> subjects = ConcurrentHashMap.newKeySet();
                for (var message : smtp.getReceivedMessages()) {
                    subjects.add(message.getSubject());
                }
                return subjects.containsAll(small) && subjects.stream().filter(s -> s.startsWith(run + " big ")).count() == BIG_QUEUE_MESSAGES;
            });
            Api.Response letters = api.get("/api/v1/dead-letters?source=receive-mail&size=50", token);
            assertEquals(200, letters.status(), letters.body());
            if (BIG_QUEUE_MESSAGES > 0) {
                assertTrue(answers.contains("queue refused 17 MB") && !answers.contains("queue accepted 17 MB"),
                        "the broker refuses a message over the limit to its producer: " + answers);
            }
        } finally {
            pool.shutdownNow();
            long start = System.nanoTime();
            stopCode = gateway.terminate(Duration.ofSeconds(30));
            stopMillis = (System.nanoTime() - start) / 1_000_000;
            smtp.stop();
        }
        assertTrue(stopCode >= 0 && stopMillis < 25_000, "SIGTERM ended it in " + stopMillis + " ms, exit code " + stopCode);
    }
}
