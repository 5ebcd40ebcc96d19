package io.qwen4j.model;

import java.util.Arrays;

/**
 * Where each token of one forward batch belongs: the cache of its sequence and its position there. A prompt
 * chunk is one sequence at consecutive positions; a continuous-batching decode step is one token from each of
 * several sequences. Layers read only this, so both are the same forward pass. Reused between steps so that
 * decoding allocates nothing.
 */
public final class TokenPlacement {
    private final KvCache[] caches;
    private final int[] positions;
    private int size;

    public TokenPlacement(int capacity) {
        caches = new KvCache[capacity];
        positions = new int[capacity];
    }

    /** {@code n} tokens of one sequence at the cache's next positions. */
    public TokenPlacement sequence(KvCache cache, int n) {
        checkCapacity(n);
        int start = cache.length();
        for (int i = 0; i < n; i++) {
            caches[i] = cache;
            positions[i] = start + i;
        }
        size = n;
        return this;
    }

    /** The next token of each of {@code n} distinct sequences. */
    public TokenPlacement nextOfEach(KvCache[] sequences, int n) {
        checkCapacity(n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                if (sequences[j] == sequences[i]) throw new IllegalArgumentException("sequence " + i + " appears twice in one decode step");
            }
            caches[i] = sequences[i];
            positions[i] = sequences[i].length();
        }
        size = n;
        return this;
    }

    private void checkCapacity(int n) {
        if (n <= 0 || n > caches.length) throw new IllegalArgumentException("a forward batch holds 1.." + caches.length + " tokens, got " + n);
    }

    public int size() {
        return size;
    }

    public KvCache cache(int token) {
        return caches[token];
    }

    public int position(int token) {
        return positions[token];
    }

    /** Moves every touched cache past its tokens once all layers have stored them. */
    void advance() {
        for (int i = 0; i < size; ) {
            int j = i;
            while (j < size && caches[j] == caches[i]) j++;
            caches[i].advance(j - i);
            i = j;
        }
        Arrays.fill(caches, 0, size, null); // do not keep finished sequences alive
    }
}
