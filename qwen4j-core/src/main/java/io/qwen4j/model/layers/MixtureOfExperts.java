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
 * When there are at least two active experts per thread, each thread runs whole experts (largest first) instead of
 * all threads splitting each expert's three small products: a mid-size MoE prompt gained almost nothing from a
 * second thread the other way, its time going to three hand-offs per expert and the serial gathers between them.
 * Each expert writes its rows to its own slots and the tokens sum their experts afterwards, in expert order, so
 * the result does not depend on which thread ran what.
 */
public final class MixtureOfExperts implements FeedForward {
    /** Workspace scratch slots. */
    private static final int ROUTER = 0;
    /** The shared expert's output rows. */
    private static final int SHARED_OUT = 1;
    /** The experts' output rows, grouped by expert (slot order). */
    private static final int OUT = 2;
    private static final int GATE = 3;
    private static final int UP = 4;
    /** Summing the experts' rows into the tokens' outputs goes parallel above this many floats. */
    private static final int PARALLEL_COMBINE = 1 << 16;

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
    /** Entry i = t * k + j (token t's j-th choice) sits at slot slotOf[i] of the expert grouping. */
    private int[] slotOf = new int[0];
    /** The batch's active experts, most tokens first. */
    private int[] order = new int[0];

    /** One thread's buffers for running one expert: gathered inputs, gate and up activations, outputs. */
    private static final class ExpertScratch {
        float[] in = new float[0];
        float[] gate = new float[0];
        float[] up = new float[0];
        float[] out = new float[0];

        ExpertScratch fit(int inFloats, int innerFloats) {
            if (in.length < inFloats) {
                in = new float[inFloats];
                out = new float[inFloats];
            }
            if (gate.length < innerFloats) {
                gate = new float[innerFloats];
                up = new float[innerFloats];
            }
            return this;
        }
    }

    private static final ThreadLocal<ExpertScratch> SCRATCH = ThreadLocal.withInitial(ExpertScratch::new);

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
        int k = m.expertsUsed();
        float[] probs = ws.scratch(ROUTER, n * e);
        router.matmul(ws.xNorm, probs, n, pool);
        route(probs, n);

        float[] slots = ws.scratch(OUT, n * k * hidden);
        int active = 0;
        for (int x = 0; x < e; x++) if (start[x + 1] > start[x]) order[active++] = x;
        if (pool.threads() > 1 && active >= 2 * pool.threads()) {
            sortByTokens(order, active);
            float[] in = ws.xNorm;
            int[] experts = order;
            pool.forRange(active, (a0, a1) -> {
                for (int a = a0; a < a1; a++) runExpert(experts[a], in, n, slots, Parallel.CALLER);
            });
        } else {
            for (int a = 0; a < active; a++) runExpert(order[a], ws.xNorm, n, slots, pool);
        }
        if ((long) n * k * hidden >= PARALLEL_COMBINE && pool.threads() > 1) {
            pool.forRange(n, (t0, t1) -> combine(slots, ws.delta, t0, t1));
        } else {
            combine(slots, ws.delta, 0, n);
        }

        if (shared != null) {
            int inner = shared.inner();
            float[] out = ws.scratch(SHARED_OUT, n * hidden);
            shared.apply(ws.xNorm, out, n, ws.scratch(GATE, n * inner), ws.scratch(UP, n * inner), pool);
            for (int t = 0; t < n; t++) {
                float s = Ops.sigmoid(Ops.dot(sharedGate, 0, ws.xNorm, t * hidden, hidden));
                Ops.axpy(s, out, t * hidden, ws.delta, t * hidden, hidden);
            }
        }
    }

    /** Expert x over its tokens (gathered from x when the batch has several), its rows written to their slots. */
    private void runExpert(int x, float[] xNorm, int n, float[] slots, Parallel pool) {
        int from = start[x];
        int count = start[x + 1] - from;
        SwiGluMlp expert = experts[x];
        ExpertScratch s = SCRATCH.get().fit(count * hidden, count * expert.inner());
        float[] in = xNorm;
        if (n > 1) {
            in = s.in;
            for (int i = 0; i < count; i++) System.arraycopy(xNorm, tokenOf[from + i] * hidden, in, i * hidden, hidden);
        }
        expert.apply(in, s.out, count, s.gate, s.up, pool);
        System.arraycopy(s.out, 0, slots, from * hidden, count * hidden);
    }

    /** Tokens [t0, t1): each output is the weighted sum of its experts' rows, added in expert order. */
    private void combine(float[] slots, float[] delta, int t0, int t1) {
        int k = m.expertsUsed();
        for (int t = t0; t < t1; t++) {
            // Slots are grouped by expert, so a token's slots in ascending order are its experts in index order.
            Arrays.sort(slotOf, t * k, (t + 1) * k);
            Arrays.fill(delta, t * hidden, (t + 1) * hidden, 0f);
            for (int j = t * k; j < (t + 1) * k; j++) {
                int slot = slotOf[j];
                Ops.axpy(weightOf[slot], slots, slot * hidden, delta, t * hidden, hidden);
            }
        }
    }

    /** The first {@code count} experts of {@code experts}, most tokens first (an insertion sort: a few dozen at most). */
    private void sortByTokens(int[] experts, int count) {
        for (int i = 1; i < count; i++) {
            int x = experts[i];
            int tokens = start[x + 1] - start[x];
            int j = i - 1;
            while (j >= 0 && start[experts[j] + 1] - start[experts[j]] < tokens) {
                experts[j + 1] = experts[j];
                j--;
            }
            experts[j + 1] = x;
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
            slotOf = new int[n * k];
            start = new int[e + 1];
            next = new int[e];
            order = new int[e];
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
            slotOf[i] = slot;
        }
    }

    private static boolean isChosen(int[] chosen, int from, int to, int x) {
        for (int j = from; j < to; j++) if (chosen[j] == x) return true;
        return false;
    }
}
