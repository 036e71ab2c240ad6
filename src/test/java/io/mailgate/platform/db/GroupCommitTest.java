package io.mailgate.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Group commit: concurrent callers share batches, each gets its own answer only after its batch was
 * written, one item's failure is its own, and a caller alone is written at once.
 */
class GroupCommitTest {

    @Test
    void aCallerAloneIsWrittenAtOnceInABatchOfOne() {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, String> group = new GroupCommit<>(64, 2, items -> {
            sizes.add(items.size());
            return items.stream().map(item -> GroupCommit.Outcome.of(item.toUpperCase())).toList();
        });
        assertEquals("A", group.write("a"));
        assertEquals("B", group.write("b"));
        assertEquals(List.of(1, 1), sizes);
    }

    /**
     * A leader stops after a few batches and leaves items behind whose callers found no free lead and
     * sleep. With a safety-net timer of an hour, only the hand-off (the leaving leader wakes the first
     * waiting caller) can answer them: without it this test hangs and fails.
     */
    @Test
    void callersLeftWaitingWhenALeaderStopsAreWokenToLeadWithoutATimer() throws Exception {
        CountDownLatch firstBatch = new CountDownLatch(1);
        GroupCommit<Integer, Integer> group = new GroupCommit<>(1, 1, items -> {
            if (items.get(0) == 0) {
                await(firstBatch);
            }
            return items.stream().map(item -> GroupCommit.Outcome.of(item * 2)).toList();
        }, TimeUnit.HOURS.toMicros(1));
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            answers.add(pool.submit(() -> group.write(0)));
            List<Thread> waiting = Collections.synchronizedList(new ArrayList<>());
            for (int i = 1; i <= 7; i++) {
                int item = i;
                answers.add(pool.submit(() -> {
                    waiting.add(Thread.currentThread());
                    return group.write(item);
                }));
            }
            // The first caller leads and is held in its batch; the seven others queue and park.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (waiting.size() < 7 || !waiting.stream().allMatch(thread -> thread.getState() == Thread.State.TIMED_WAITING)) {
                assertTrue(System.nanoTime() < deadline, "the callers did not queue");
                Thread.sleep(1);
            }
            firstBatch.countDown();
            // The leader writes four batches (its own and three more) and leaves four items behind.
            for (int i = 0; i < answers.size(); i++) {
                assertEquals(i * 2, answers.get(i).get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void concurrentCallersShareBatchesAndEachGetsItsOwnAnswerAfterItsBatch() throws Exception {
        List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
        List<Integer> written = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger writing = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        GroupCommit<Integer, Integer> group = new GroupCommit<>(16, 2, items -> {
            mostAtOnce.accumulateAndGet(writing.incrementAndGet(), Math::max);
            try {
                Thread.sleep(3); // a commit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sizes.add(items.size());
            written.addAll(items);
            writing.decrementAndGet();
            return items.stream().map(item -> item % 10 == 7 ? GroupCommit.Outcome.<Integer>failed(
                    new IllegalArgumentException("bad " + item)) : GroupCommit.Outcome.of(item * 2)).toList();
        });
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<String>> calls = new ArrayList<>();
            for (int caller = 0; caller < 32; caller++) {
                int base = caller * 100;
                calls.add(() -> {
                    start.await();
                    for (int i = base; i < base + 20; i++) {
                        if (i % 10 == 7) {
                            int bad = i;
                            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> group.write(bad));
                            assertEquals("bad " + i, refused.getMessage());
                        } else {
                            assertEquals(i * 2, group.write(i));
                            assertTrue(written.contains(i), "answered before its batch was written");
                        }
                    }
                    return "ok";
                });
            }
            List<Future<String>> results = new ArrayList<>();
            for (Callable<String> call : calls) {
                results.add(callers.submit(call));
            }
            start.countDown();
            for (Future<String> result : results) {
                assertEquals("ok", result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(640, written.size(), "every item written once");
        assertTrue(sizes.stream().allMatch(size -> size <= 16), "no batch beyond its maximum: " + sizes);
        assertTrue(sizes.size() < 640 / 3, sizes.size() + " batches for 640 items: callers waiting on a commit share the next");
        assertTrue(mostAtOnce.get() <= 2, "at most two batches written at once");
    }

    @Test
    void aBatchThatFailsAsAWholeFailsEachOfItsCallers() {
        GroupCommit<String, String> group = new GroupCommit<>(8, 1, items -> {
            throw new IllegalStateException("database down");
        });
        assertEquals("database down", assertThrows(IllegalStateException.class, () -> group.write("x")).getMessage());
    }
}
