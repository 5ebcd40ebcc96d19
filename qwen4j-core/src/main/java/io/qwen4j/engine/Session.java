package io.qwen4j.engine;

import io.qwen4j.model.KvCache;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * One sequence: its KV cache and the tokens the cache holds. A new prompt that starts with tokens the cache
 * already holds (the next turn of a chat) reuses them and processes only the rest. The recurrent state of a hybrid
 * model cannot be cut back token by token, so there the session keeps {@linkplain #checkpoint() checkpoints} (at the
 * end of each prompt and each generation, and every {@link Model#checkpointInterval()} prompt tokens) and resumes
 * from the latest one within the common prefix.
 * Not thread-safe: one generation at a time.
 */
public final class Session {
    private final Model model;
    private final KvCache cache;
    private int[] tokens = new int[256];
    /** Snapshots of a recurrent cache, in increasing length, all within the tokens the cache holds. */
    private final ArrayList<KvCache.Snapshot> checkpoints = new ArrayList<>();
    /** Each snapshot of a Qwen3.5-0.8B-sized model is about 19 MB: keep the latest few. */
    private static final int MAX_CHECKPOINTS = 4;

    Session(Model model, int contextSize) {
        this.model = model;
        this.cache = model.languageModel().newCache(contextSize);
    }

    public Model model() {
        return model;
    }

    public int contextSize() {
        return cache.capacity();
    }

    /** Tokens currently held in the cache. */
    public int[] cachedTokens() {
        return Arrays.copyOf(tokens, cache.length());
    }

    /** Starts generating after {@code prompt}; tokens are produced as the returned generation is consumed. */
    public Generation generate(int[] prompt, GenerationRequest request) {
        checkPrompt(prompt);
        return new Generation(this, prompt, request);
    }

    void checkPrompt(int[] prompt) {
        if (prompt.length == 0) throw new IllegalArgumentException("the prompt is empty");
        if (prompt.length >= cache.capacity()) throw new ContextOverflowException(prompt.length, cache.capacity());
    }

    /** Drops cached positions that differ from {@code prompt}, keeping at least one prompt token to run. Returns the kept count. */
    int reusePrefix(int[] prompt) {
        int common = commonPrefix(prompt);
        if (common == cache.length()) return common;
        if (!cache.hasRecurrentState()) {
            cache.truncate(common);
            return common;
        }
        int keep = common;
        checkpoints.removeIf(s -> s.length() > keep);
        if (checkpoints.isEmpty()) cache.reset();
        else cache.restore(checkpoints.getLast());
        return cache.length();
    }

    /** Remembers a recurrent cache's state at its current length, for a later prompt that shares this prefix. */
    void checkpoint() {
        if (!cache.hasRecurrentState() || cache.length() == 0) return;
        if (!checkpoints.isEmpty() && checkpoints.getLast().length() == cache.length()) return;
        if (checkpoints.size() == MAX_CHECKPOINTS) checkpoints.removeFirst();
        checkpoints.add(cache.snapshot());
    }

    /**
     * Runs tokens through the model, appending them to the cache; logits of the last one go to {@code logits}. A
     * recurrent cache also gets a checkpoint at every multiple of the model's {@linkplain Model#checkpointInterval()
     * checkpoint interval} it passes, so a later prompt that shares only part of a long prompt resumes near its end.
     */
    void feed(int[] batch, int off, int n, float[] logits) {
        int interval = model.checkpointInterval();
        while (cache.hasRecurrentState() && interval > 0 && n > 1) {
            int boundary = (cache.length() / interval + 1) * interval;
            int part = boundary - cache.length();
            if (part >= n) break;
            feedPart(batch, off, part, logits);
            checkpoint();
            off += part;
            n -= part;
        }
        feedPart(batch, off, n, logits);
    }

    private void feedPart(int[] batch, int off, int n, float[] logits) {
        int start = cache.length();
        model.languageModel().forward(cache, batch, off, n, logits, false);
        remember(start, batch, off, n);
    }

    /** One decode step for several sessions at once (continuous batching): logits {@code [n][vocab]}. */
    static void feedEach(Session[] sessions, KvCache[] caches, int[] next, int n, float[] logits) {
        int[] starts = new int[n];
        for (int i = 0; i < n; i++) {
            caches[i] = sessions[i].cache;
            starts[i] = caches[i].length();
        }
        sessions[0].model.languageModel().forwardEach(caches, next, n, logits);
        for (int i = 0; i < n; i++) sessions[i].remember(starts[i], next, i, 1);
    }

    private void remember(int start, int[] batch, int off, int n) {
        if (tokens.length < start + n) tokens = Arrays.copyOf(tokens, Math.max(start + n, tokens.length * 2));
        System.arraycopy(batch, off, tokens, start, n);
    }

    /** How many leading tokens of {@code prompt} the cache already holds (what {@link #reusePrefix} would keep). */
    int commonPrefix(int[] prompt) {
        int common = 0;
        int limit = Math.min(cache.length(), prompt.length - 1);
        while (common < limit && tokens[common] == prompt[common]) common++;
        return common;
    }

    int length() {
        return cache.length();
    }
}
