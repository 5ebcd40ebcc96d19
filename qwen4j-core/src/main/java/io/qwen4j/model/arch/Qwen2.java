package io.qwen4j.model.arch;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.TransformerDecoder;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.tensor.Parallel;

/** Qwen2 and Qwen2.5 ({@code general.architecture = qwen2}): dense, biases on q/k/v (HF Qwen2Attention, llama.cpp llm_build_qwen2). */
public final class Qwen2 {
    private Qwen2() {}

    public static LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException {
        return TransformerDecoder.load(gguf, new TransformerDecoder.AttentionFlavor(true, false), pool);
    }
}
