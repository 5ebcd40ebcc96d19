package io.qwen4j.model.layers;

import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.ModelConfig;
import io.qwen4j.model.WeightLoader;
import io.qwen4j.tensor.Ops;

/** RMSNorm {@code x / sqrt(mean(x^2) + eps) * w} (Zhang and Sennrich 2019; llama.cpp ggml_rms_norm then ggml_mul). */
public record RmsNorm(float[] weight, float eps) {

    /** The norm of width hidden stored as {@code name}, with the model's epsilon. */
    public static RmsNorm load(WeightLoader w, String name, ModelConfig c) throws GgufFormatException {
        return new RmsNorm(w.vector(name, c.hidden()), c.rmsEps());
    }

    public int size() {
        return weight.length;
    }

    /** Normalises {@code rows} consecutive vectors of {@link #size()} floats from {@code in} into {@code out}. */
    public void apply(float[] in, float[] out, int rows) {
        int n = weight.length;
        for (int r = 0; r < rows; r++) {
            Ops.rmsNorm(out, r * n, in, r * n, weight, n, eps);
        }
    }

    /** Normalises one vector starting at {@code inOff} into {@code out} at {@code outOff}. */
    public void applyRow(float[] in, int inOff, float[] out, int outOff) {
        Ops.rmsNorm(out, outOff, in, inOff, weight, weight.length, eps);
    }
}
