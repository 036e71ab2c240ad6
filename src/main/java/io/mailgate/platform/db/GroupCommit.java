package io.mailgate.platform.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Concurrent writers share a transaction: each caller queues its item and either leads (drains the
 * queue into batches, each written in one transaction by the batch writer) or waits for a leader to
 * answer it. A caller alone is written at once, in a batch of one; under load the items that arrive
 * while a batch commits form the next one, so a commit is paid per batch rather than per item and no
 * one waits for a timer. A caller returns only after the transaction that holds its item committed.
 *
 * @param <I> what a caller writes
 * @param <R> what it gets back
 */
public final class GroupCommit<I, R> {

    /**
     * The longest a waiting caller parks before it looks whether it may lead itself. A leader that leaves
     * wakes the first waiting caller, so this is a safety net, not the hand-off.
     */
    private static final long WAIT_MICROS = 50_000;
    private final long waitMicros;
    /** Batches one leader writes before it lets another lead, so that its own caller is answered in time. */
    private static final int BATCHES_PER_LEAD = 4;

    /** The outcome of one item in a batch: its result or its own failure. */
    public record Outcome<R>(R result, RuntimeException failure) {
        public static <R> Outcome<R> of(R result) {
            return new Outcome<>(result, null);
        }

        public static <R> Outcome<R> failed(RuntimeException failure) {
            return new Outcome<>(null, failure);
        }
    }

    /**
     * A caller's item and, once its batch was written, its answer. Its caller parks until a leader answers
     * it or wakes it to lead: no caller looks on a timer (a timer of 2 ms across the 64 messages of a queue
     * batch cost a tenth of the gateway's CPU in futex calls).
     */
    private static final class Pending<I, R> {
        private final I item;
        private final Thread waiter = Thread.currentThread();
        private R result;
        private Throwable failure;
        private volatile boolean done;

        Pending(I item) {
            this.item = item;
        }

        I item() {
            return item;
        }

        void complete(R value) {
            result = value;
            done = true;
            LockSupport.unpark(waiter);
        }

        void fail(Throwable cause) {
            failure = cause;
            done = true;
            LockSupport.unpark(waiter);
        }

        boolean isDone() {
            return done;
        }

        /** Wakes the caller so that it tries to lead: its item waits and the leader that saw it has left. */
        void wake() {
            LockSupport.unpark(waiter);
        }

        /** Parks until answered or woken, or at most the time given; true once answered. */
        boolean await(long micros) {
            if (!done) {
                LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(micros));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while its batch was written");
                }
            }
            return done;
        }

        R answer() {
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return result;
        }
    }

    private final ConcurrentLinkedQueue<Pending<I, R>> queue = new ConcurrentLinkedQueue<>();
    private final Semaphore leaders;
    private final int maxBatch;
    private final Function<List<I>, List<Outcome<R>>> writer;

    /**
     * @param maxBatch items per transaction at most
     * @param maxLeaders batches written at the same time at most (each holds a connection)
     * @param writer writes a batch in one transaction, and answers each item in order
     */
    public GroupCommit(int maxBatch, int maxLeaders, Function<List<I>, List<Outcome<R>>> writer) {
        this(maxBatch, maxLeaders, writer, WAIT_MICROS);
    }

    GroupCommit(int maxBatch, int maxLeaders, Function<List<I>, List<Outcome<R>>> writer, long waitMicros) {
        this.waitMicros = waitMicros;
        this.maxBatch = maxBatch;
        this.leaders = new Semaphore(maxLeaders);
        this.writer = writer;
    }

    /** Writes the item with whatever else is waiting, and answers once its transaction committed. */
    public R write(I item) {
        Pending<I, R> pending = new Pending<>(item);
        queue.add(pending);
        while (!pending.isDone()) {
            boolean wrote = false;
            if (leaders.tryAcquire()) {
                try {
                    wrote = lead();
                } finally {
                    leaders.release();
                    // Items added while this leader wrote, whose callers found no free lead: wake the first.
                    Pending<I, R> next = queue.peek();
                    if (next != null && next != pending) {
                        next.wake();
                    }
                }
            }
            // Another leader holds this caller's item, or every lead is taken: park until answered or woken
            // to lead by a leader that leaves (the timer is only a safety net).
            if (!wrote && pending.await(waitMicros)) {
                break;
            }
        }
        return pending.answer();
    }

    /** Writes what waits, a few batches at most; false when nothing waited. */
    private boolean lead() {
        boolean wrote = false;
        for (int round = 0; round < BATCHES_PER_LEAD; round++) {
            List<Pending<I, R>> batch = new ArrayList<>();
            for (Pending<I, R> next; batch.size() < maxBatch && (next = queue.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return wrote;
            }
            wrote = true;
            try {
                List<Outcome<R>> outcomes = writer.apply(batch.stream().map(Pending::item).toList());
                for (int i = 0; i < batch.size(); i++) {
                    Outcome<R> outcome = outcomes.get(i);
                    if (outcome.failure() != null) {
                        batch.get(i).fail(outcome.failure());
                    } else {
                        batch.get(i).complete(outcome.result());
                    }
                }
            } catch (RuntimeException | Error e) {
                batch.forEach(pending -> pending.fail(e));
            }
        }
        return wrote;
    }
}
