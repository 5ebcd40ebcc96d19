package io.qwen4j.sampling;

/**
 * The last {@code lastN} accepted tokens (all of them when {@code lastN == -1}) as a ring buffer, with a count per
 * token id and the set of ids whose count is positive, so that applying the penalties touches only those ids
 * (llama.cpp {@code llama_sampler_penalties}: {@code prev} ring buffer and {@code token_count} map).
 * Fixed-size arrays: accepting a token allocates nothing.
 */
final class PenaltyHistory {
    private final int lastN;
    private final int[] ring;       // the window, oldest at ringStart; empty when lastN == -1 (nothing is evicted)
    private int ringStart;
    private int ringSize;
    private final int[] counts;     // occurrences of each id in the window
    private final int[] present;    // ids with counts > 0, in no particular order
    private final int[] presentPos; // index of an id in present, valid while its count > 0
    private int presentCount;

    PenaltyHistory(int lastN, int vocabSize) {
        this.lastN = lastN;
        this.ring = new int[Math.max(lastN, 0)];
        this.counts = new int[vocabSize];
        this.present = new int[vocabSize];
        this.presentPos = new int[vocabSize];
    }

    void accept(int token) {
        if (lastN == 0) return;
        if (lastN > 0) {
            if (ringSize == lastN) {
                remove(ring[ringStart]);
                ring[ringStart] = token;
                ringStart = (ringStart + 1) % lastN;
            } else {
                ring[(ringStart + ringSize++) % lastN] = token;
            }
        }
        if (counts[token]++ == 0) {
            presentPos[token] = presentCount;
            present[presentCount++] = token;
        }
    }

    private void remove(int token) {
        if (--counts[token] == 0) {
            int last = present[--presentCount];
            present[presentPos[token]] = last;
            presentPos[last] = presentPos[token];
        }
    }

    void clear() {
        for (int i = 0; i < presentCount; i++) counts[present[i]] = 0;
        presentCount = 0;
        ringStart = 0;
        ringSize = 0;
    }

    int count(int token) {
        return counts[token];
    }

    /**
     * llama.cpp {@code llama_sampler_penalties_apply}: the repeat penalty divides a positive logit and multiplies a
     * non-positive one (so it always lowers it), then {@code count * frequency + presence} is subtracted.
     */
    void applyTo(float[] logits, float repeat, float frequency, float presence) {
        for (int i = 0; i < presentCount; i++) {
            int id = present[i];
            int count = counts[id];
            float logit = logits[id];
            logit = logit <= 0 ? logit * repeat : logit / repeat;
            logits[id] = logit - (count * frequency + presence);
        }
    }
}
