package io.qwen4j.tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool that splits index ranges over a fixed set of threads, the caller included. Decode calls it a
 * few hundred times per token, so hand-off is a volatile generation counter that workers spin on briefly before
 * parking, not a queue of tasks. Every participant claims chunks of the range from one counter, each a share of
 * what is left: when a worker is late (the machine has fewer free cores than threads), the others take its share
 * instead of waiting for it, and the chunks shrink towards the end so that all finish close together.
 */
public final class Parallel implements AutoCloseable {

    /** A piece of work over indices [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPINS = 1 << 14;
    /** Spins of the calling thread before it starts yielding its core while it waits for the workers. */
    private static final int YIELD_AFTER = 1 << 12;

    private final int threads;
    private final Thread[] workers;
    /**
     * Chunks per thread of a range whose caller gives no grain: the smallest chunk is 1/16 of a thread's share.
     * With 4 equal chunks, the thread that finished first waited ~10% of a decode run at the end of each product
     * (JFR); 16 cut that to ~3% and measured ~3% faster for decode and prompt alike (decision 0014).
     */
    private static final int CHUNKS_PER_THREAD = 16;
    /**
     * Each claim takes 1/(threads x SHRINK) of the indices still unclaimed (guided self-scheduling), at least the
     * grain: chunks are large while there is much left, so claims stay few, and shrink towards the end, so the
     * thread that finishes first waits at most about one grain for the others.
     */
    private static final int SHRINK = 4;
    /** The current call's claims: its generation in the high 32 bits, the first unclaimed index in the low 32. */
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile long generation;
    private volatile RangeTask task;
    private volatile int size;
    private volatile int grain;
    private volatile Throwable failure;
    private volatile boolean closed;

    /** Runs every range on the calling thread: for work that is itself one task of a parallel range. */
    public static final Parallel CALLER = new Parallel(1);

    public Parallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int index = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("qwen4j-worker-" + index).unstarted(() -> work(index));
            workers[i].start();
        }
    }

    /** Physical cores where Linux tells (hyper-threads share a core's vector units), else the available processors. */
    public static int defaultThreads() {
        int logical = Runtime.getRuntime().availableProcessors();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            var cores = new HashSet<String>();
            String physical = "";
            for (String line : lines) {
                if (line.startsWith("physical id")) physical = line.substring(line.indexOf(':') + 1).strip();
                if (line.startsWith("core id")) cores.add(physical + ":" + line.substring(line.indexOf(':') + 1).strip());
            }
            if (!cores.isEmpty()) return Math.max(1, Math.min(logical, cores.size()));
        } catch (Exception ignored) {
            // not Linux, or not readable: fall through
        }
        return logical;
    }

    public int threads() {
        return threads;
    }

    /**
     * Token rows from which the per-token work between the matrix products (activations, RoPE, norms, cache writes)
     * is split over the threads; below it the hand-off costs more than the work.
     */
    public static final int MIN_PARALLEL_ROWS = 16;

    /** {@link #forRange} over token rows: on the calling thread alone below {@link #MIN_PARALLEL_ROWS} rows. */
    public void forRows(int rows, RangeTask task) {
        if (rows < MIN_PARALLEL_ROWS) {
            if (rows > 0) task.run(0, rows);
        } else {
            forRange(rows, task);
        }
    }

    /** Runs {@code task} over [0, n) in contiguous chunks spread over the threads; returns when all chunks are done. */
    public void forRange(int n, RangeTask task) {
        forRange(n, n / (threads * CHUNKS_PER_THREAD), task);
    }

    /**
     * {@link #forRange(int, RangeTask)} with chunks of at least {@code grain} indices (but the last): for callers
     * that know what an index costs, so that the last chunks are small in time, not in count (a 150,000-row output
     * projection cut in 32 equal chunks left a thread waiting up to a chunk's 0.4 ms at its end).
     */
    public void forRange(int n, int grain, RangeTask task) {
        if (n <= 0) return;
        if (threads == 1 || n == 1) {
            task.run(0, n);
            return;
        }
        if (closed) throw new IllegalStateException("the pool is closed");
        long gen = generation + 1;
        // The new stamp goes first: a worker still leaving the previous call that reads this call's task below then
        // finds a stamp not its own and claims nothing. Stamped after the task, it could claim a chunk of this task
        // under the old stamp, run it twice and overcount the finished chunks, and the caller waited forever.
        claims.set(gen << 32);
        this.task = task;
        this.size = n;
        this.grain = Math.max(1, grain);
        this.failure = null;
        finished.set(0);
        generation = gen; // publishes task, size and grain to the workers
        for (Thread w : workers) LockSupport.unpark(w);
        runChunks(gen);
        // The remaining chunks are running on workers, which usually finish within microseconds; spin, then yield
        // so that a worker waiting for this very core can finish them.
        for (int spins = 0; finished.get() != n; spins++) {
            if (spins < YIELD_AFTER) Thread.onSpinWait();
            else Thread.yield();
        }
        this.task = null;
        Throwable t = failure;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        if (t != null) throw new RuntimeException(t);
    }

    /** Claims and runs chunks of call {@code gen} until none is left (or a newer call has started). */
    private void runChunks(long gen) {
        RangeTask t = task;
        int n = size;
        int min = grain;
        int share = threads * SHRINK;
        long stamp = gen << 32;
        while (true) {
            long v = claims.get();
            if ((v & 0xFFFF_FFFF_0000_0000L) != stamp) return;
            int start = (int) v;
            if (start >= n) return;
            int end = start + Math.min(n - start, Math.max(min, (n - start) / share));
            if (!claims.compareAndSet(v, stamp | end)) continue;
            try {
                t.run(start, end);
            } catch (Throwable e) {
                failure = e;
            } finally {
                finished.addAndGet(end - start);
            }
        }
    }

    private void work(int index) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            runChunks(seen);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
