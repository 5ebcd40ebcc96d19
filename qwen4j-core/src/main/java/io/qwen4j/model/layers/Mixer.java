package io.qwen4j.model.layers;

import io.qwen4j.model.KvCache;
import io.qwen4j.tensor.Parallel;

/** The token-mixing half of a block: softmax attention over a KV cache, or a Gated DeltaNet over a recurrent state. */
public sealed interface Mixer permits Attention, GatedDeltaNet {

    /** Mixes {@code n} tokens at positions {@code startPos..startPos+n-1}; input ws.xNorm, output ws.delta. */
    void forward(Workspace ws, int n, int startPos, KvCache cache, Parallel pool);
}
