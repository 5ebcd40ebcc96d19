package io.qwen4j.model.layers;

import io.qwen4j.tensor.Parallel;

/** The per-token half of a block: one SwiGLU MLP, or a mixture of them. */
public sealed interface FeedForward permits SwiGluMlp, MixtureOfExperts {

    /** Transforms {@code n} rows of ws.xNorm into ws.delta. */
    void forward(Workspace ws, int n, Parallel pool);
}
