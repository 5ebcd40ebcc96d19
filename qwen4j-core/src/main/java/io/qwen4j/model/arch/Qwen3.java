package io.qwen4j.model.arch;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.TransformerDecoder;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.tensor.Parallel;

/** Qwen3 dense ({@code general.architecture = qwen3}): no biases, per-head RMSNorm of q and k before RoPE, explicit head_dim (HF Qwen3Attention, llama.cpp llm_build_qwen3). */
public final class Qwen3 {
    private Qwen3() {}

    public static LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException {
        return TransformerDecoder.load(gguf, new TransformerDecoder.AttentionFlavor(false, true), pool);
    }
}
