package io.qwen4j.tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A persistent pool that splits index ranges over a fixed set of threads (the caller runs the first chunk).
 * Decode calls it a few hundred times per token, so hand-off is a volatile generation counter that workers
 * spin on briefly before parking, not a queue of tasks.
 */
public final class Parallel implements AutoCloseable {

    /** A piece of work over indices [start, end). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end);
    }

    private static final int SPINS = 1 << 14;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile RangeTask task;
    private volatile int size;
    private volatile Throwable failure;
    private volatile boolean closed;

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

    /** Runs {@code task} over [0, n) split into one contiguous chunk per thread; returns when all chunks are done. */
    public void forRange(int n, RangeTask task) {
        if (n <= 0) return;
        if (threads == 1 || n == 1) {
            task.run(0, n);
            return;
        }
        if (closed) throw new IllegalStateException("the pool is closed");
        this.task = task;
        this.size = n;
        this.failure = null;
        pending.set(workers.length);
        generation++; // publishes task and size to the workers
        for (Thread w : workers) LockSupport.unpark(w);
        Throwable mine = null;
        try {
            task.run(0, chunkEnd(n, 0));
        } catch (Throwable t) {
            mine = t;
        }
        while (pending.get() != 0) Thread.onSpinWait();
        this.task = null;
        Throwable t = mine != null ? mine : failure;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        if (t != null) throw new RuntimeException(t);
    }

    private int chunkEnd(int n, int index) {
        return (int) ((long) n * (index + 1) / threads);
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
            int n = size;
            try {
                int start = (int) ((long) n * index / threads);
                int end = chunkEnd(n, index);
                if (start < end) task.run(start, end);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
