package io.qwen4j.model.layers;

import io.qwen4j.model.TokenPlacement;
import io.qwen4j.tensor.Ops;
import io.qwen4j.tensor.Parallel;

/** Pre-norm block: {@code x += mixer(norm(x)); x += ffn(norm(x))}. */
public record TransformerBlock(RmsNorm attnNorm, Mixer mixer, RmsNorm ffnNorm, FeedForward ffn) {

    public void forward(Workspace ws, int n, TokenPlacement at, Parallel pool) {
        int width = n * attnNorm.size();
        attnNorm.apply(ws.x, ws.xNorm, n);
        mixer.forward(ws, n, at, pool);
        Ops.add(ws.x, 0, ws.delta, 0, width);
        ffnNorm.apply(ws.x, ws.xNorm, n);
        ffn.forward(ws, n, pool);
        Ops.add(ws.x, 0, ws.delta, 0, width);
    }
}
