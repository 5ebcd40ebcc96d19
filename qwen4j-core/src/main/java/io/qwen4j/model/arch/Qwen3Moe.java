package io.qwen4j.model.arch;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.TransformerDecoder;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.model.MoeConfig;
import io.qwen4j.model.layers.Attention;
import io.qwen4j.model.layers.MixtureOfExperts;
import io.qwen4j.model.layers.RmsNorm;
import io.qwen4j.model.layers.TransformerBlock;
import io.qwen4j.tensor.Parallel;

/** Qwen3-MoE ({@code general.architecture = qwen3moe}): Qwen3 attention, experts instead of the MLP, no shared expert (HF Qwen3MoeDecoderLayer, llama.cpp llm_build_qwen3moe). */
public final class Qwen3Moe {
    private Qwen3Moe() {}

    public static LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException {
        MoeConfig moe = MoeConfig.fromGguf(gguf);
        var attention = new Attention.Flavor(false, true, false);
        return TransformerDecoder.load(gguf, pool, (w, c, l) -> new TransformerBlock(
                RmsNorm.load(w, "blk." + l + ".attn_norm.weight", c),
                Attention.load(w, c, l, attention),
                RmsNorm.load(w, "blk." + l + ".ffn_norm.weight", c),
                MixtureOfExperts.load(w, moe, c.hidden(), l)));
    }
}
