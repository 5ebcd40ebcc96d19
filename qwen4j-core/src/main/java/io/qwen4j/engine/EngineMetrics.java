package io.qwen4j.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and gauges of a {@link BatchScheduler}, read by the server's {@code /metrics}. Updated by the
 * scheduler thread and by submitters; every read is a consistent-enough snapshot for monitoring.
 */
public final class EngineMetrics {
    final LongAdder requests = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder reusedPromptTokens = new LongAdder();
    final LongAdder generatedTokens = new LongAdder();
    final LongAdder firstTokens = new LongAdder();
    final LongAdder firstTokenNanos = new LongAdder();
    final LongAdder decodeSteps = new LongAdder();
    final LongAdder decodeStepNanos = new LongAdder();
    final LongAdder decodeStepTokens = new LongAdder();
    final AtomicLong active = new AtomicLong();
    final AtomicLong queued = new AtomicLong();
    /** Exponentially smoothed aggregate decode speed over recent steps, tokens/s times 1000. */
    final AtomicLong decodeMilliTokensPerSecond = new AtomicLong();

    void decodeStep(int tokens, long nanos) {
        decodeSteps.increment();
        decodeStepNanos.add(nanos);
        decodeStepTokens.add(tokens);
        long current = nanos == 0 ? 0 : (long) (tokens * 1e12 / nanos);
        long old = decodeMilliTokensPerSecond.get();
        decodeMilliTokensPerSecond.set(old == 0 ? current : (long) (old * 0.9 + current * 0.1));
    }

    void firstToken(long nanosSinceSubmit) {
        firstTokens.increment();
        firstTokenNanos.add(nanosSinceSubmit);
    }

    /** Requests accepted (queued or running). */
    public long requests() {
        return requests.sum();
    }

    /** Requests refused because the queue was full. */
    public long rejected() {
        return rejected.sum();
    }

    /** Generations that ended because their caller cancelled (a client that went away). */
    public long cancelled() {
        return cancelled.sum();
    }

    public long promptTokens() {
        return promptTokens.sum();
    }

    /** Prompt tokens whose KV came from an earlier request instead of being recomputed. */
    public long reusedPromptTokens() {
        return reusedPromptTokens.sum();
    }

    public long generatedTokens() {
        return generatedTokens.sum();
    }

    /** Sequences in a slot now. */
    public long activeSequences() {
        return active.get();
    }

    /** Requests waiting for a slot now. */
    public long queueDepth() {
        return queued.get();
    }

    /** Count and total seconds from submission to the first generated token. */
    public long timeToFirstTokenCount() {
        return firstTokens.sum();
    }

    public double timeToFirstTokenSeconds() {
        return firstTokenNanos.sum() / 1e9;
    }

    /** Tokens produced by batched decode steps, and the seconds those steps took. */
    public long decodeTokens() {
        return decodeStepTokens.sum();
    }

    public double decodeSeconds() {
        return decodeStepNanos.sum() / 1e9;
    }

    /** Recent aggregate decode speed over all sequences, tokens/s. */
    public double decodeTokensPerSecond() {
        return decodeMilliTokensPerSecond.get() / 1000.0;
    }
}
