package io.mailgate.platform.db;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /** How long a waiting caller sleeps before it looks whether it may lead itself. */
    private static final long WAIT_MICROS = 2_000;
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

    private record Pending<I, R>(I item, CompletableFuture<R> answer) {
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
        this.maxBatch = maxBatch;
        this.leaders = new Semaphore(maxLeaders);
        this.writer = writer;
    }

    /** Writes the item with whatever else is waiting, and answers once its transaction committed. */
    public R write(I item) {
        Pending<I, R> pending = new Pending<>(item, new CompletableFuture<>());
        queue.add(pending);
        while (!pending.answer().isDone()) {
            if (leaders.tryAcquire()) {
                try {
                    lead();
                } finally {
                    leaders.release();
                }
            } else {
                try {
                    return pending.answer().get(WAIT_MICROS, TimeUnit.MICROSECONDS);
                } catch (TimeoutException notYet) {
                    // a leader is still busy: look again whether this caller may lead
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while its batch was written", e);
                } catch (ExecutionException e) {
                    throw unwrap(e);
                }
            }
        }
        try {
            return pending.answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while its batch was written", e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private void lead() {
        for (int round = 0; round < BATCHES_PER_LEAD; round++) {
            List<Pending<I, R>> batch = new ArrayList<>();
            for (Pending<I, R> next; batch.size() < maxBatch && (next = queue.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                List<Outcome<R>> outcomes = writer.apply(batch.stream().map(Pending::item).toList());
                for (int i = 0; i < batch.size(); i++) {
                    Outcome<R> outcome = outcomes.get(i);
                    if (outcome.failure() != null) {
                        batch.get(i).answer().completeExceptionally(outcome.failure());
                    } else {
                        batch.get(i).answer().complete(outcome.result());
                    }
                }
            } catch (RuntimeException | Error e) {
                batch.forEach(pending -> pending.answer().completeExceptionally(e));
            }
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }
}
