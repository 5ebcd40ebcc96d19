package io.qwen4j.model;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;

/**
 * Hyper-parameters of a dense Qwen transformer, read once from GGUF metadata ({@code <arch>.*} keys,
 * named as llama.cpp's LLM_KV table names them). The forward pass reads this record, never metadata strings.
 *
 * @param architecture   the {@code general.architecture} value, e.g. "qwen3"
 * @param contextLength  the training context ({@code context_length}); the runtime context may be smaller
 * @param hidden         embedding width ({@code embedding_length})
 * @param layers         transformer blocks ({@code block_count})
 * @param ffn            SwiGLU inner width ({@code feed_forward_length}); 0 where every block is a mixture of experts
 * @param heads          query heads
 * @param kvHeads        key/value heads (GQA: each serves heads/kvHeads query heads)
 * @param headDim        per-head width of q and k ({@code attention.key_length}, else hidden/heads as llama.cpp does)
 * @param valueDim       per-head width of v ({@code attention.value_length}, else headDim)
 * @param ropeDims       rotated dims per head ({@code rope.dimension_count}, else headDim)
 * @param ropeFreqBase   RoPE theta
 * @param rmsEps         RMSNorm epsilon
 * @param vocabSize      rows of the token embedding
 */
public record ModelConfig(
        String architecture,
        int contextLength,
        int hidden,
        int layers,
        int ffn,
        int heads,
        int kvHeads,
        int headDim,
        int valueDim,
        int ropeDims,
        float ropeFreqBase,
        float rmsEps,
        int vocabSize) {

    public ModelConfig {
        if (hidden <= 0 || layers <= 0 || ffn < 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || valueDim <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive: " + this);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("head_count " + heads + " is not a multiple of head_count_kv " + kvHeads);
        }
        if (ropeDims <= 0 || ropeDims > headDim || ropeDims % 2 != 0) {
            throw new IllegalArgumentException("rope.dimension_count " + ropeDims + " must be even and at most head dim " + headDim);
        }
    }

    /** Query heads sharing one KV head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }

    public int vDim() {
        return kvHeads * valueDim;
    }

    /** Reads the {@code <arch>.*} hyper-parameters; the vocabulary size comes from the embedding tensor. */
    public static ModelConfig fromGguf(GgufFile gguf, int vocabSize) throws GgufFormatException {
        String arch = gguf.getString("general.architecture");
        String p = arch + ".";
        int hidden = gguf.getInt(p + "embedding_length");
        int heads = gguf.getInt(p + "attention.head_count");
        int kvHeads = gguf.getInt(p + "attention.head_count_kv", heads);
        if (heads <= 0) {
            throw new GgufFormatException("metadata " + p + "attention.head_count must be positive, got " + heads);
        }
        int headDim = gguf.getInt(p + "attention.key_length", hidden / heads);
        int valueDim = gguf.getInt(p + "attention.value_length", headDim);
        try {
            return new ModelConfig(
                    arch,
                    gguf.getInt(p + "context_length"),
                    hidden,
                    // Multi-token-prediction blocks at the end are not part of the main model (llama.cpp skips them too).
                    gguf.getInt(p + "block_count") - gguf.getInt(p + "nextn_predict_layers", 0),
                    gguf.getInt(p + "feed_forward_length", 0),
                    heads,
                    kvHeads,
                    headDim,
                    valueDim,
                    gguf.getInt(p + "rope.dimension_count", headDim),
                    gguf.getFloat(p + "rope.freq_base", 10000f),
                    gguf.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-6f),
                    vocabSize);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(gguf.path() + ": " + e.getMessage());
        }
    }
}
