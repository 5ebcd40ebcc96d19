package io.qwen4j.model.layers;

import io.qwen4j.model.TokenPlacement;
import io.qwen4j.tensor.Parallel;

/** The token-mixing half of a block: softmax attention over a KV cache, or a Gated DeltaNet over a recurrent state. */
public sealed interface Mixer permits Attention, GatedDeltaNet {

    /** Mixes the {@code n} tokens of {@code at} (each at its sequence's position); input ws.xNorm, output ws.delta. */
    void forward(Workspace ws, int n, TokenPlacement at, Parallel pool);
}
