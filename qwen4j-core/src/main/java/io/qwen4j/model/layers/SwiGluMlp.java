package io.qwen4j.model.layers;

import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.WeightLoader;
import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Ops;
import io.qwen4j.tensor.Parallel;

/** Feed-forward {@code down(silu(gate x) * up x)} (Shazeer 2020, "GLU Variants"; llama.cpp build_ffn with LLM_FFN_SILU, LLM_FFN_PAR). */
public record SwiGluMlp(Matrix gate, Matrix up, Matrix down) implements FeedForward {

    /** The MLP of {@code ffn_gate<suffix>}, {@code ffn_up<suffix>}, {@code ffn_down<suffix>} (suffix "" or "_shexp"). */
    public static SwiGluMlp load(WeightLoader w, String prefix, String suffix, int inner, int hidden) throws GgufFormatException {
        return new SwiGluMlp(
                w.matrix(prefix + "ffn_gate" + suffix + ".weight", inner, hidden),
                w.matrix(prefix + "ffn_up" + suffix + ".weight", inner, hidden),
                w.matrix(prefix + "ffn_down" + suffix + ".weight", hidden, inner));
    }

    public int inner() {
        return gate.rows();
    }

    @Override
    public void forward(Workspace ws, int n, Parallel pool) {
        apply(ws.xNorm, ws.delta, n, ws.gate, ws.up, pool);
    }

    /** {@code out = mlp(x)} for n rows; {@code g} and {@code u} hold at least n * {@link #inner()} floats of scratch. */
    public void apply(float[] x, float[] out, int n, float[] g, float[] u, Parallel pool) {
        Matrix.matmulAll(x, n, pool, new Matrix[] {gate, up}, new float[][] {g, u});
        int inner = gate.rows();
        pool.forRows(n, (t0, t1) -> Ops.swiglu(g, u, t0 * inner, (t1 - t0) * inner));
        down.matmul(g, out, n, pool);
    }
}
