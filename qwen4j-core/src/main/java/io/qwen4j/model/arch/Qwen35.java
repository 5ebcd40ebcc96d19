package io.qwen4j.model.arch;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.DeltaNetConfig;
import io.qwen4j.model.DenseTransformer;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.model.ModelConfig;
import io.qwen4j.model.WeightLoader;
import io.qwen4j.model.layers.Attention;
import io.qwen4j.model.layers.FeedForward;
import io.qwen4j.model.layers.GatedDeltaNet;
import io.qwen4j.model.layers.Mixer;
import io.qwen4j.model.layers.RmsNorm;
import io.qwen4j.model.layers.SwiGluMlp;
import io.qwen4j.model.layers.TransformerBlock;
import io.qwen4j.tensor.Parallel;

/**
 * Qwen3.5 dense ({@code general.architecture = qwen35}; HF Qwen3_5DecoderLayer, llama.cpp llm_build_qwen35): three
 * Gated DeltaNet layers to one gated full-attention layer (QK-norm, RoPE over the first rope.dimension_count dims),
 * a SwiGLU MLP in every block. Its text positions make the interleaved M-RoPE plain NeoX RoPE (t = h = w = pos).
 * The converter reorders the value heads so that value head h reads key head h % keyHeads.
 */
public final class Qwen35 {
    private Qwen35() {}

    /** Builds the feed-forward half of block l. */
    @FunctionalInterface
    interface FfnLoader {
        FeedForward load(WeightLoader w, ModelConfig c, int layer) throws GgufFormatException;
    }

    public static LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException {
        return loadHybrid(gguf, pool, false, false, (w, c, l) -> SwiGluMlp.load(w, "blk." + l + ".", "", c.ffn(), c.hidden()));
    }

    /** The hybrid layout Qwen3-Next and Qwen3.5(-MoE) share: DeltaNet or gated attention, post-attention norm, {@code ffn}. */
    static LanguageModel loadHybrid(GgufFile gguf, Parallel pool, boolean groupedValues, boolean fusedBetaAlpha, FfnLoader ffn)
            throws GgufFormatException {
        DeltaNetConfig delta = DeltaNetConfig.fromGguf(gguf, groupedValues);
        var attention = new Attention.Flavor(false, true, true);
        return DenseTransformer.load(gguf, pool, (w, c, l) -> {
            Mixer mixer = delta.isRecurrent(l)
                    ? GatedDeltaNet.load(w, c, delta, l, fusedBetaAlpha)
                    : Attention.load(w, c, l, attention);
            return new TransformerBlock(
                    RmsNorm.load(w, "blk." + l + ".attn_norm.weight", c),
                    mixer,
                    RmsNorm.load(w, "blk." + l + ".post_attention_norm.weight", c),
                    ffn.load(w, c, l));
        });
    }
}
