package io.mailgate.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import org.jdbi.v3.core.Jdbi;

import io.mailgate.deadletter.DeadLetterStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Sends the waiting webhook messages, on threads and an HTTP client of its own so that a slow or dead
 * endpoint never holds up mail delivery: due messages are claimed (a lease, so that every instance can
 * send and none sends one twice at once), POSTed signed as Standard Webhooks asks, and a message an
 * endpoint did not take with a 2xx is tried again after the next wait of the retry schedule (by
 * default over more than a day); once the schedule is used up it is a dead letter with the reason.
 */
public class WebhookSender implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebhookSender.class);
    public static final String DEAD_LETTER_SOURCE = "webhook";

    private final Jdbi jdbi;
    private final WebhookStore store;
    private final WebhookSettings settings;
    private final DeadLetterStore deadLetters;
    private final MeterRegistry meters;
    private final Clock clock;
    private final ExecutorService threads;
    private final HttpClient http;
    private final Semaphore room;
    private final long leaseMillis;

    public WebhookSender(Jdbi jdbi, WebhookStore store, WebhookSettings settings, DeadLetterStore deadLetters, MeterRegistry meters,
                         Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.settings = settings;
        this.deadLetters = deadLetters;
        this.meters = meters;
        this.clock = clock;
        this.threads = Executors.newFixedThreadPool(Math.max(2, settings.concurrency()), runnable -> {
            Thread thread = new Thread(runnable, "webhook-sender");
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().executor(threads).connectTimeout(Duration.ofMillis(settings.timeoutMillis()))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.room = new Semaphore(settings.concurrency());
        this.leaseMillis = settings.timeoutMillis() + 30_000L;
    }

    private record Due(String id, String webhookId, String payload, int attempts) {
    }

    /** Claims the due messages there is room for and sends each; the answers are recorded as they come. */
    public int sendDue() {
        int free = room.availablePermits();
        if (free == 0) {
            return 0;
        }
        List<Due> claimed = claim(free);
        for (Due due : claimed) {
            room.acquireUninterruptibly();
            CompletableFuture.supplyAsync(() -> prepare(due), threads)
                    .thenCompose(request -> request == null ? CompletableFuture.completedFuture(null)
                            : http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                    .whenComplete((response, failure) -> {
                        try {
                            answered(due, response, failure);
                        } catch (RuntimeException e) {
                            LOG.warn("The outcome of webhook message {} could not be recorded ({}); its lease runs out and it is sent again",
                                    due.id(), e.getClass().getSimpleName());
                        } finally {
                            room.release();
                        }
                    });
        }
        return claimed.size();
    }

    private List<Due> claim(int limit) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> {
            List<Due> candidates = handle.createQuery("SELECT id, webhook_id, payload, attempts FROM webhook_delivery "
                            + "WHERE status = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?) "
                            + "ORDER BY next_attempt_at, id LIMIT ?")
                    .bind(0, now).bind(1, now).bind(2, limit)
                    .map((rows, context) -> new Due(rows.getString("id"), rows.getString("webhook_id"), rows.getString("payload"),
                            rows.getInt("attempts"))).list();
            List<Due> claimed = new ArrayList<>();
            for (Due due : candidates) {
                int taken = handle.createUpdate("UPDATE webhook_delivery SET claimed_until = ? WHERE id = ? AND status = 'pending' "
                                + "AND (claimed_until IS NULL OR claimed_until < ?)")
                        .bind(0, now + leaseMillis).bind(1, due.id()).bind(2, now).execute();
                if (taken == 1) {
                    claimed.add(due);
                }
            }
            return claimed;
        });
    }

    /** The signed request; null when the endpoint is gone or may not be called (recorded as the attempt's failure). */
    private HttpRequest prepare(Due due) {
        Optional<Webhook> webhook = store.find(due.webhookId());
        if (webhook.isEmpty()) {
            return null;
        }
        URI url = URI.create(webhook.get().url());
        if (!settings.allowPrivateAddresses() && privateAddress(url.getHost())) {
            throw new IllegalStateException("the endpoint's host resolves to a private address");
        }
        long timestamp = clock.millis() / 1000;
        return HttpRequest.newBuilder(url).timeout(Duration.ofMillis(settings.timeoutMillis()))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Mailgate-Webhooks")
                .header("webhook-id", due.id())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", StandardWebhooks.signature(store.secret(due.webhookId()), due.id(), timestamp, due.payload()))
                .POST(HttpRequest.BodyPublishers.ofString(due.payload())).build();
    }

    private void answered(Due due, HttpResponse<Void> response, Throwable failure) {
        long now = clock.millis();
        int attempts = due.attempts() + 1;
        if (response != null && response.statusCode() / 100 == 2) {
            jdbi.useHandle(handle -> handle.createUpdate("UPDATE webhook_delivery SET status = 'delivered', attempts = ?, last_status = ?, "
                            + "last_error = NULL, claimed_until = NULL, updated_at = ? WHERE id = ?")
                    .bind(0, attempts).bind(1, response.statusCode()).bind(2, now).bind(3, due.id()).execute());
            count("delivered");
            return;
        }
        if (response == null && failure == null) {
            return; // the endpoint was deleted: its messages went with it
        }
        int status = response == null ? 0 : response.statusCode();
        String error = response != null ? "HTTP " + status : describe(failure);
        boolean retry = attempts <= settings.retrySchedule().size();
        long next = retry ? now + settings.retrySchedule().get(attempts - 1) : now;
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE webhook_delivery SET status = ?, attempts = ?, last_status = ?, last_error = ?, "
                        + "next_attempt_at = ?, claimed_until = NULL, updated_at = ? WHERE id = ?")
                .bind(0, retry ? "pending" : "failed").bind(1, attempts).bind(2, status).bind(3, error).bind(4, next).bind(5, now)
                .bind(6, due.id()).execute());
        if (retry) {
            count("retry");
            return;
        }
        count("failed");
        deadLetters.record(DEAD_LETTER_SOURCE, "The webhook endpoint did not take the message in " + attempts + " attempts; the last: "
                + error, due.payload(), Map.of("webhook_id", due.webhookId(), "delivery_id", due.id()));
    }

    /** A dead-lettered message goes out again, with a fresh schedule; false when its endpoint is gone. */
    public boolean requeue(String deliveryId) {
        long now = clock.millis();
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE webhook_delivery SET status = 'pending', attempts = 0, "
                        + "next_attempt_at = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status = 'failed'")
                .bind(0, now).bind(1, now).bind(2, deliveryId).execute()) == 1;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof IllegalStateException && cause.getMessage() != null && cause.getMessage().startsWith("the endpoint")) {
            return cause.getMessage();
        }
        return "no answer: " + cause.getClass().getSimpleName();
    }

    static boolean privateAddress(String host) {
        if (host == null) {
            return true;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                        || address.isAnyLocalAddress() || address.isMulticastAddress() || uniqueLocal(address)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("the endpoint's host is unknown");
        }
    }

    /** IPv6 unique local addresses (fc00::/7), which InetAddress does not count as site-local. */
    private static boolean uniqueLocal(InetAddress address) {
        return address instanceof java.net.Inet6Address && (address.getAddress()[0] & 0xfe) == 0xfc;
    }

    private void count(String result) {
        Counter.builder("mailgate.webhooks.messages").description("Webhook messages sent, by what became of them").tag("result", result)
                .register(meters).increment();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
