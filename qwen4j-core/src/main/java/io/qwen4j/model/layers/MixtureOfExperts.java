package io.qwen4j.model.layers;

import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.MoeConfig;
import io.qwen4j.model.WeightLoader;
import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Ops;
import io.qwen4j.tensor.Parallel;
import java.util.Arrays;

/**
 * Sparse mixture of SwiGLU experts (Qwen3-MoE, Qwen3-Next, Qwen3.5-MoE; llama.cpp build_moe_ffn with softmax gating,
 * HF Qwen3MoeSparseMoeBlock): router probabilities softmax(W_r x) over all experts, the top k kept (ties to the lower
 * index), renormalised to sum to one when the config says so, and {@code sum_e p_e * expert_e(x)}; plus, where the
 * model has one, a shared expert scaled by {@code sigmoid(w_s . x)} (Qwen2-MoE-style shared expert).
 *
 * <p>A batch is dispatched by expert: the tokens routed to an expert are gathered and run through it in one
 * matrix-matrix product, so every expert's weights are read once per batch; decode touches only the selected experts.
 */
public final class MixtureOfExperts implements FeedForward {
    /** Workspace scratch slots. */
    private static final int ROUTER = 0;
    private static final int IN = 1;
    private static final int OUT = 2;
    private static final int GATE = 3;
    private static final int UP = 4;

    private final MoeConfig m;
    private final int hidden;
    private final Matrix router;
    private final SwiGluMlp[] experts;
    private final SwiGluMlp shared;
    private final float[] sharedGate;
    /** The batch's (token, weight) pairs grouped by expert: expert x owns entries [start[x], start[x+1]). */
    private int[] start = new int[0];
    private int[] next = new int[0];
    private int[] tokenOf = new int[0];
    private float[] weightOf = new float[0];
    private int[] chosen = new int[0];
    private float[] chosenWeight = new float[0];

    public MixtureOfExperts(MoeConfig m, int hidden, Matrix router, SwiGluMlp[] experts, SwiGluMlp shared, float[] sharedGate) {
        this.m = m;
        this.hidden = hidden;
        this.router = router;
        this.experts = experts.clone();
        this.shared = shared;
        this.sharedGate = sharedGate;
    }

    /**
     * Layer {@code layer}'s experts from llama.cpp's tensors: {@code ffn_gate_inp} (router), {@code ffn_{gate,up,down}_exps}
     * (3-D, one slice per expert), and, when the file has them, {@code ffn_gate_inp_shexp} and {@code ffn_*_shexp}.
     */
    public static MixtureOfExperts load(WeightLoader w, MoeConfig m, int hidden, int layer) throws GgufFormatException {
        String p = "blk." + layer + ".";
        Matrix router = w.matrix(p + "ffn_gate_inp.weight", m.experts(), hidden);
        Matrix[] gate = w.matrices(p + "ffn_gate_exps.weight", m.experts(), m.expertFfn(), hidden);
        Matrix[] up = w.matrices(p + "ffn_up_exps.weight", m.experts(), m.expertFfn(), hidden);
        Matrix[] down = w.matrices(p + "ffn_down_exps.weight", m.experts(), hidden, m.expertFfn());
        var experts = new SwiGluMlp[m.experts()];
        for (int e = 0; e < experts.length; e++) experts[e] = new SwiGluMlp(gate[e], up[e], down[e]);
        SwiGluMlp shared = null;
        float[] sharedGate = null;
        if (m.sharedFfn() > 0 && w.has(p + "ffn_up_shexp.weight")) {
            shared = SwiGluMlp.load(w, p, "_shexp", m.sharedFfn(), hidden);
            sharedGate = w.vector(p + "ffn_gate_inp_shexp.weight", hidden);
        }
        return new MixtureOfExperts(m, hidden, router, experts, shared, sharedGate);
    }

    public boolean hasSharedExpert() {
        return shared != null;
    }

    @Override
    public void forward(Workspace ws, int n, Parallel pool) {
        int e = m.experts();
        float[] probs = ws.scratch(ROUTER, n * e);
        router.matmul(ws.xNorm, probs, n, pool);
        route(probs, n);

        float[] out = ws.scratch(OUT, n * hidden);
        Arrays.fill(ws.delta, 0, n * hidden, 0f);
        int inner = Math.max(m.expertFfn(), shared == null ? 0 : shared.inner());
        float[] g = ws.scratch(GATE, n * inner);
        float[] u = ws.scratch(UP, n * inner);
        for (int x = 0; x < e; x++) {
            int from = start[x];
            int count = start[x + 1] - from;
            if (count == 0) continue;
            float[] in = ws.xNorm;
            if (n > 1) {
                in = ws.scratch(IN, n * hidden);
                for (int i = 0; i < count; i++) System.arraycopy(ws.xNorm, tokenOf[from + i] * hidden, in, i * hidden, hidden);
            }
            experts[x].apply(in, out, count, g, u, pool);
            for (int i = 0; i < count; i++) Ops.axpy(weightOf[from + i], out, i * hidden, ws.delta, tokenOf[from + i] * hidden, hidden);
        }
        if (shared != null) {
            shared.apply(ws.xNorm, out, n, g, u, pool);
            for (int t = 0; t < n; t++) {
                float s = Ops.sigmoid(Ops.dot(sharedGate, 0, ws.xNorm, t * hidden, hidden));
                Ops.axpy(s, out, t * hidden, ws.delta, t * hidden, hidden);
            }
        }
    }

    /** Turns router logits into each token's top-k experts and weights, grouped by expert (a counting sort). */
    private void route(float[] logits, int n) {
        int e = m.experts();
        int k = m.expertsUsed();
        if (chosen.length < n * k) {
            chosen = new int[n * k];
            chosenWeight = new float[n * k];
            tokenOf = new int[n * k];
            weightOf = new float[n * k];
            start = new int[e + 1];
            next = new int[e];
        }
        Arrays.fill(start, 0);
        for (int t = 0; t < n; t++) {
            int off = t * e;
            int c = t * k;
            Ops.softmax(logits, off, e);
            double sum = 0;
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int x = 0; x < e; x++) {
                    if (isChosen(chosen, c, c + j, x)) continue;
                    if (best < 0 || logits[off + x] > logits[off + best]) best = x;
                }
                chosen[c + j] = best;
                chosenWeight[c + j] = logits[off + best];
                sum += logits[off + best];
                start[best + 1]++;
            }
            if (m.normalizeWeights()) {
                for (int j = 0; j < k; j++) chosenWeight[c + j] = (float) (chosenWeight[c + j] / sum);
            }
        }
        for (int x = 0; x < e; x++) start[x + 1] += start[x];
        System.arraycopy(start, 0, next, 0, e);
        for (int i = 0; i < n * k; i++) {
            int slot = next[chosen[i]]++;
            tokenOf[slot] = i / k;
            weightOf[slot] = chosenWeight[i];
        }
    }

    private static boolean isChosen(int[] chosen, int from, int to, int x) {
        for (int j = from; j < to; j++) if (chosen[j] == x) return true;
        return false;
    }
}
