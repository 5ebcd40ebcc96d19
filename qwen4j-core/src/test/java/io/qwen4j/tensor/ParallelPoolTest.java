package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelPoolTest {

    @Test
    void coversEveryIndexOnceForAnySize() {
        try (var pool = new Parallel(3)) {
            for (int n : new int[] {0, 1, 2, 3, 5, 1000}) {
                var seen = new AtomicIntegerArray(Math.max(n, 1));
                pool.forRange(n, (s, e) -> {
                    for (int i = s; i < e; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertThat(seen.get(i)).as("n=%d index %d", n, i).isEqualTo(1);
            }
        }
    }

    /**
     * With a grain, every index still runs once, no chunk but the last is below the grain, chunks never grow
     * along the range, and a long range ends in chunks of the grain (the point of it: threads finish together).
     */
    @Test
    void chunksShrinkTowardsTheGrainAndCoverEveryIndexOnce() {
        try (var pool = new Parallel(2)) {
            for (int n : new int[] {1, 2, 7, 100, 151_680}) {
                for (int grain : new int[] {1, 3, 60, 1000}) {
                    var seen = new AtomicIntegerArray(n);
                    var chunks = new java.util.concurrent.ConcurrentSkipListMap<Integer, Integer>();
                    pool.forRange(n, grain, (s, e) -> {
                        chunks.put(s, e - s);
                        for (int i = s; i < e; i++) seen.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertThat(seen.get(i)).as("n=%d grain=%d index %d", n, grain, i).isEqualTo(1);
                    var sizes = new java.util.ArrayList<>(chunks.values());
                    for (int i = 0; i + 1 < sizes.size(); i++) {
                        assertThat(sizes.get(i)).as("n=%d grain=%d chunk %d", n, grain, i).isGreaterThanOrEqualTo(grain)
                                .isGreaterThanOrEqualTo(sizes.get(i + 1));
                    }
                    if (n > 100 * grain) {
                        assertThat(sizes.getLast()).as("last chunk, n=%d grain=%d", n, grain).isLessThanOrEqualTo(grain);
                        assertThat(sizes.getFirst()).as("first chunk, n=%d grain=%d", n, grain).isGreaterThan(10 * grain);
                    }
                }
            }
        }
    }

    @Test
    void isReusableManyTimes() {
        try (var pool = new Parallel(2)) {
            long[] sum = new long[2];
            for (int round = 0; round < 5000; round++) {
                pool.forRange(2, (s, e) -> {
                    for (int i = s; i < e; i++) sum[i]++;
                });
            }
            assertThat(sum).containsExactly(5000, 5000);
        }
    }

    /**
     * Back-to-back calls whose chunk counts differ: a worker still leaving one call must not run a chunk of the next
     * (it once read the next call's task while the claims still carried the old call's stamp, ran a chunk twice and
     * overcounted the finished chunks, so the caller waited forever).
     */
    @Test
    void backToBackCallsOfDifferentSizesRunEveryChunkOnce() {
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(120), () -> {
            try (var pool = new Parallel(2)) {
                for (int round = 0; round < 300_000; round++) {
                    int n = 1 + round % 40;
                    var seen = new AtomicIntegerArray(n);
                    pool.forRange(n, (s, e) -> {
                        for (int i = s; i < e; i++) seen.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) {
                        if (seen.get(i) != 1) throw new AssertionError("round " + round + " index " + i + " ran " + seen.get(i) + " times");
                    }
                }
            }
        });
    }

    @Test
    void exceptionsPropagateAndThePoolKeepsWorking() {
        try (var pool = new Parallel(2)) {
            assertThatThrownBy(() -> pool.forRange(10, (s, e) -> {
                if (s > 0) throw new IllegalStateException("worker chunk failed");
            })).hasMessage("worker chunk failed");
            assertThatThrownBy(() -> pool.forRange(10, (s, e) -> {
                if (s == 0) throw new IllegalStateException("caller chunk failed");
            })).hasMessage("caller chunk failed");
            int[] count = new int[1];
            pool.forRange(1, (s, e) -> count[0] += e - s);
            assertThat(count[0]).isEqualTo(1);
        }
    }

    @Test
    void closeStopsTheWorkers() throws InterruptedException {
        var pool = new Parallel(3);
        pool.forRange(3, (s, e) -> {});
        pool.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (workersAlive() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(workersAlive()).isZero();
        assertThatThrownBy(() -> pool.forRange(5, (s, e) -> {})).hasMessageContaining("closed");
        assertThat(Parallel.defaultThreads()).isPositive();
    }

    private static long workersAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("qwen4j-worker-") && t.isAlive())
                .count();
    }
}
