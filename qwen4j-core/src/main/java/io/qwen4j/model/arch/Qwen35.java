package io.qwen4j.model.arch;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.DeltaNetConfig;
import io.qwen4j.model.TransformerDecoder;
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
        requireTextRope(gguf);
        return loadHybrid(gguf, pool, false, false, (w, c, l) -> SwiGluMlp.load(w, "blk." + l + ".", "", c.ffn(), c.hidden()));
    }

    /**
     * Qwen3.5's interleaved M-RoPE (ggml_rope_multi, mode IMROPE) gives each rotated frequency slot i one of four
     * position streams by {@code rope.dimension_sections}; for text the t, h and w streams are the token position
     * and the fourth is 0. We run plain NeoX RoPE, so every slot must draw from t, h or w, as in Qwen3.5's [11, 11, 10, 0].
     */
    static void requireTextRope(GgufFile gguf) throws GgufFormatException {
        String key = gguf.getString("general.architecture") + ".rope.dimension_sections";
        if (!gguf.has(key)) return;
        int[] s = gguf.getIntArray(key);
        int total = 0;
        for (int v : s) total += v;
        int slots = gguf.getInt(gguf.getString("general.architecture") + ".rope.dimension_count", 0) / 2;
        for (int i = 0; i < slots; i++) {
            int sector = total == 0 ? 0 : i % total;
            boolean text = s.length >= 3 && ((sector % 3 == 0 && sector < 3 * s[0])
                    || (sector % 3 == 1 && sector < 3 * s[1]) || (sector % 3 == 2 && sector < 3 * s[2]));
            if (!text) {
                throw new GgufFormatException(gguf.path() + ": " + key + " " + java.util.Arrays.toString(s)
                        + " leaves rotary slot " + i + " to the fourth position stream, which is not supported");
            }
        }
    }

    /** The hybrid layout Qwen3-Next and Qwen3.5(-MoE) share: DeltaNet or gated attention, post-attention norm, {@code ffn}. */
    static LanguageModel loadHybrid(GgufFile gguf, Parallel pool, boolean groupedValues, boolean fusedBetaAlpha, FfnLoader ffn)
            throws GgufFormatException {
        DeltaNetConfig delta = DeltaNetConfig.fromGguf(gguf, groupedValues);
        var attention = new Attention.Flavor(false, true, true);
        return TransformerDecoder.load(gguf, pool, (w, c, l) -> {
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
