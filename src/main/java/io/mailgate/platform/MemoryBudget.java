package io.mailgate.platform;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;

import io.mailgate.platform.http.ApiException;
import io.mailgate.platform.http.ErrorCode;

/**
 * Memory for large bodies, by configuration rather than by luck: parsing a JSON body costs a few times
 * its size (the text, the tree, decoded attachments), so a body above {@value #SMALL} bytes reserves
 * {@value #WEIGHT} times its size from a budget (by default a third of the heap) while it is handled.
 * An HTTP request that finds the budget spent is answered 503 with Retry-After at once; a queue message
 * waits for it (the queue is the buffer), and goes back to the broker when it waited too long.
 */
public class MemoryBudget {

    /** Bodies up to this size are not counted: they are the common case and cost little. */
    public static final int SMALL = 256 * 1024;
    private static final int WEIGHT = 4;
    private static final long QUEUE_WAIT_SECONDS = 30;

    /** The property Artemis gives a large (streamed) message: its size in bytes. */
    private static final String LARGE_SIZE = "_AMQ_LARGE_SIZE";
    /** What a dead letter keeps of a message over the size limit. */
    private static final int KEPT = 65_536;

    private final Semaphore kilobytes;
    private final int totalKilobytes;
    private final int maxQueueMessageChars;

    /**
     * @param bytes                 the budget
     * @param maxQueueMessageChars  the largest queue message taken
     */
    public MemoryBudget(long bytes, int maxQueueMessageChars) {
        this.maxQueueMessageChars = maxQueueMessageChars;
        this.totalKilobytes = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 1024));
        this.kilobytes = new Semaphore(totalKilobytes, true);
    }

    /** The budget of a heap: a third of it. */
    public static long ofHeap() {
        return Runtime.getRuntime().maxMemory() / 3;
    }

    /** For an HTTP request of this many bytes: a reservation to release when it is answered; null when the budget is spent. */
    public Reservation tryReserve(long bodyBytes) {
        int cost = cost(bodyBytes);
        if (cost == 0) {
            return Reservation.NONE;
        }
        return kilobytes.tryAcquire(cost) ? new Reservation(this, cost) : null;
    }

    /**
     * For a queue message: waits for the budget, released when the exchange completes. A message that
     * waits too long fails (and is redelivered later by the broker).
     */
    private void reserveBytes(Exchange exchange, long bytes) throws InterruptedException {
        int cost = cost(bytes);
        if (cost == 0) {
            return;
        }
        if (!kilobytes.tryAcquire(cost, QUEUE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The memory budget for large messages stayed spent; the broker redelivers later");
        }
        exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                kilobytes.release(cost);
            }
        });
    }

    private int cost(long bodyBytes) {
        if (bodyBytes <= SMALL) {
            return 0;
        }
        // A body larger than the whole budget still goes through, alone.
        return (int) Math.min(totalKilobytes, bodyBytes * WEIGHT / 1024);
    }

    /** Memory held for one request until it is answered. */
    public static final class Reservation {
        static final Reservation NONE = new Reservation(null, 0);

        private final MemoryBudget budget;
        private final int kilobytes;
        private boolean released;

        Reservation(MemoryBudget budget, int kilobytes) {
            this.budget = budget;
            this.kilobytes = kilobytes;
        }

        public synchronized void release() {
            if (!released && budget != null) {
                released = true;
                budget.kilobytes.release(kilobytes);
            }
        }
    }

    /**
     * For a queue message, before it is parsed (accept-queued-mail, receive-privacy-notice): keeps its text as
     * the exchange property {@code payload} for a dead letter (cut to {@value #KEPT} characters when the
     * message is over the limit), refuses it when it is over {@code mailgate.queue.max-message-bytes}, and
     * reserves memory for it while it is handled.
     */
    public void admitQueueMessage(Exchange exchange) throws InterruptedException {
        // Artemis streams a large message: its size is known before its body is read into memory.
        Long announced = exchange.getMessage().getHeader(LARGE_SIZE, Long.class);
        if (announced != null && announced > maxQueueMessageChars * 2L) {
            exchange.setProperty("payload", "(not kept: the message had " + announced + " bytes)");
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The message is " + announced + " bytes, more than the limit of "
                    + maxQueueMessageChars);
        }
        if (announced != null) {
            reserveBytes(exchange, announced);
        }
        String body = exchange.getMessage().getBody(String.class);
        int length = body == null ? 0 : body.length();
        if (length > maxQueueMessageChars) {
            exchange.setProperty("payload", body.substring(0, KEPT) + "… (cut: the message had " + length + " characters)");
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The message is " + length + " characters, more than the limit of "
                    + maxQueueMessageChars);
        }
        exchange.setProperty("payload", body);
        if (announced == null) {
            reserveBytes(exchange, length * 2L);
        }
    }

    /**
     * For a delivery of a mail this many bytes large (deliver-mail, after the claim): building and sending
     * the message costs a few times its size too; waits for the budget like a queue message.
     */
    public void reserveForDelivery(Exchange exchange) throws InterruptedException {
        if (!(exchange.getMessage().getBody() instanceof Sized sized)) {
            return;
        }
        int cost = cost(sized.sizeInMemory());
        if (cost == 0) {
            return;
        }
        if (!kilobytes.tryAcquire(cost, QUEUE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The memory budget for large mails stayed spent; the delivery goes again later");
        }
        // Released by the delivery route when it completes, whichever way (deliver-mail's onCompletion): an
        // exchange handed over in process does not run the completions added to it.
        exchange.setProperty(RESERVATION, new Reservation(this, cost));
    }

    /** The exchange property that holds a delivery's reservation. */
    public static final String RESERVATION = "memoryReservation";

    /** Gives back a delivery's reservation (nothing when it had none). */
    public void release(Object reservation) {
        if (reservation instanceof Reservation held) {
            held.release();
        }
    }

    /** Something whose size in memory is known before it is worked on (a claimed mail). */
    public interface Sized {
        long sizeInMemory();
    }
}
