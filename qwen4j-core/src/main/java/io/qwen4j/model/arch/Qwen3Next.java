package io.qwen4j.model.arch;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.model.MoeConfig;
import io.qwen4j.model.layers.MixtureOfExperts;
import io.qwen4j.tensor.Parallel;

/**
 * Qwen3-Next ({@code general.architecture = qwen3next}; HF Qwen3NextDecoderLayer, llama.cpp llm_build_qwen3next): as
 * Qwen3.5-MoE, but its files keep Hugging Face's grouped value-head order (value head h reads key head h / (nv / nk))
 * and fuse the beta and alpha projections into one {@code ssm_ba} tensor.
 */
public final class Qwen3Next {
    private Qwen3Next() {}

    public static LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException {
        MoeConfig moe = MoeConfig.fromGguf(gguf);
        return Qwen35.loadHybrid(gguf, pool, true, true, (w, c, l) -> MixtureOfExperts.load(w, moe, c.hidden(), l));
    }
}
