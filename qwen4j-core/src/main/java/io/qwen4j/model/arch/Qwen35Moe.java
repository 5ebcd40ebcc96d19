package io.qwen4j.model.arch;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.model.MoeConfig;
import io.qwen4j.model.layers.MixtureOfExperts;
import io.qwen4j.tensor.Parallel;

/** Qwen3.5-MoE ({@code general.architecture = qwen35moe}; llama.cpp llm_build_qwen35moe): the Qwen3.5 hybrid with experts and a gated shared expert. */
public final class Qwen35Moe {
    private Qwen35Moe() {}

    public static LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException {
        Qwen35.requireTextRope(gguf);
        MoeConfig moe = MoeConfig.fromGguf(gguf);
        return Qwen35.loadHybrid(gguf, pool, false, false, (w, c, l) -> MixtureOfExperts.load(w, moe, c.hidden(), l));
    }
}
