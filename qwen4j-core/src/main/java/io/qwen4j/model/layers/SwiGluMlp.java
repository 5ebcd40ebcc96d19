package io.qwen4j.model.layers;

import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Ops;
import io.qwen4j.tensor.Parallel;

/** Feed-forward {@code down(silu(gate x) * up x)} (Shazeer 2020, "GLU Variants"; llama.cpp build_ffn with LLM_FFN_SILU, LLM_FFN_PAR). */
public record SwiGluMlp(Matrix gate, Matrix up, Matrix down) {

    public void forward(Workspace ws, int n, Parallel pool) {
        gate.matmul(ws.xNorm, ws.gate, n, pool);
        up.matmul(ws.xNorm, ws.up, n, pool);
        Ops.swiglu(ws.gate, ws.up, n * gate.rows());
        down.matmul(ws.gate, ws.delta, n, pool);
    }
}
