package io.qwen4j.model;

import io.qwen4j.gguf.GgufFile;

/**
 * A loaded model: a forward pass from token ids to next-token logits over a per-sequence cache.
 * Implementations are composed from the shared layers in {@code io.qwen4j.model.layers}; one
 * architecture is one small file in {@code io.qwen4j.model.arch}.
 */
public interface LanguageModel extends AutoCloseable {

    ModelConfig config();

    /** The file the weights are mapped from. */
    GgufFile gguf();

    /** A fresh cache for one sequence of up to {@code contextSize} tokens. */
    KvCache newCache(int contextSize);

    /**
     * Runs {@code n} tokens ({@code tokens[off..off+n)}) at the cache's next positions and appends them to it.
     * With {@code allRows} the logits of every token are written ({@code [n][vocab]}), otherwise only those
     * of the last token ({@code [vocab]}). One forward pass at a time per model.
     */
    void forward(KvCache cache, int[] tokens, int off, int n, float[] logits, boolean allRows);

    /**
     * One decode step of continuous batching: the next token of each of {@code n} distinct sequences
     * ({@code tokens[i]} goes to {@code caches[i]}), logits {@code [n][vocab]}. Models that batch the weights
     * across sequences override this; the default runs the sequences one after another.
     */
    default void forwardEach(KvCache[] caches, int[] tokens, int n, float[] logits) {
        int vocab = config().vocabSize();
        float[] row = n == 1 ? logits : new float[vocab];
        for (int i = 0; i < n; i++) {
            forward(caches[i], tokens, i, 1, row, false);
            if (row != logits) System.arraycopy(row, 0, logits, i * vocab, vocab);
        }
    }

    @Override
    void close();
}
