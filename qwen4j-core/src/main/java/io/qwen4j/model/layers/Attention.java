package io.qwen4j.model.layers;

import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.KvCache;
import io.qwen4j.model.ModelConfig;
import io.qwen4j.model.TokenPlacement;
import io.qwen4j.model.WeightLoader;
import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Ops;
import io.qwen4j.tensor.Parallel;

/**
 * Causal grouped-query self-attention with NeoX RoPE over the first {@code ropeDims} dims of each head, over a
 * {@link KvCache}, with the options the Qwen families differ by: biases on q/k/v (Qwen2/2.5), per-head RMSNorm of q
 * and k before RoPE (Qwen3 and later), and a sigmoid output gate (Qwen3-Next/3.5: attn_q yields per head
 * {@code [q | gate]}, the attention output is multiplied by sigmoid(gate) before attn_output; llama.cpp
 * build_layer_attn in qwen35.cpp, HF Qwen3NextAttention). Follows llama.cpp's build_attn without flash attention:
 * softmax(q k^T / sqrt(d)) v, query head h reading KV head h / (heads / kvHeads).
 */
public final class Attention implements Mixer {
    /** Workspace scratch slots: the projected [q | gate] rows and the gate. */
    private static final int QG = 0;
    private static final int GATE = 1;

    private final ModelConfig c;
    private final int layer;
    private final Matrix wq;
    private final Matrix wk;
    private final Matrix wv;
    private final Matrix wo;
    private final float[] bq;
    private final float[] bk;
    private final float[] bv;
    private final RmsNorm qNorm;
    private final RmsNorm kNorm;
    private final boolean outputGate;
    private final float scale;
    /** Per-thread score row, sized to the context on first use. */
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[0]);

    /** Which options a family uses. */
    public record Flavor(boolean qkvBias, boolean qkNorm, boolean outputGate) {}

    /** The attention of layer {@code layer} from its llama.cpp tensors ({@code blk.N.attn_q.weight}...). */
    public static Attention load(WeightLoader w, ModelConfig c, int layer, Flavor f) throws GgufFormatException {
        String p = "blk." + layer + ".";
        if (f.outputGate() && c.valueDim() != c.headDim()) {
            throw new GgufFormatException("gated attention needs value_length == key_length, got " + c.valueDim() + " and " + c.headDim());
        }
        return new Attention(c, layer,
                w.matrix(p + "attn_q.weight", (f.outputGate() ? 2 : 1) * c.qDim(), c.hidden()),
                w.matrix(p + "attn_k.weight", c.kvDim(), c.hidden()),
                w.matrix(p + "attn_v.weight", c.vDim(), c.hidden()),
                w.matrix(p + "attn_output.weight", c.hidden(), c.heads() * c.valueDim()),
                f.qkvBias() ? w.vector(p + "attn_q.bias", c.qDim()) : null,
                f.qkvBias() ? w.vector(p + "attn_k.bias", c.kvDim()) : null,
                f.qkvBias() ? w.vector(p + "attn_v.bias", c.vDim()) : null,
                f.qkNorm() ? new RmsNorm(w.vector(p + "attn_q_norm.weight", c.headDim()), c.rmsEps()) : null,
                f.qkNorm() ? new RmsNorm(w.vector(p + "attn_k_norm.weight", c.headDim()), c.rmsEps()) : null,
                f.outputGate());
    }

    /** Biases and norms are null when the architecture has none; with an output gate wq has 2 * qDim rows. */
    public Attention(ModelConfig c, int layer, Matrix wq, Matrix wk, Matrix wv, Matrix wo,
                     float[] bq, float[] bk, float[] bv, RmsNorm qNorm, RmsNorm kNorm, boolean outputGate) {
        this.c = c;
        this.layer = layer;
        this.wq = wq;
        this.wk = wk;
        this.wv = wv;
        this.wo = wo;
        this.bq = bq;
        this.bk = bk;
        this.bv = bv;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.outputGate = outputGate;
        this.scale = (float) (1.0 / Math.sqrt(c.headDim()));
    }

    @Override
    public void forward(Workspace ws, int n, TokenPlacement at, Parallel pool) {
        int hd = c.headDim();
        float[] gate = null;
        if (outputGate) {
            // Per head the projection holds [q (hd) | gate (hd)]: split it into q rows and gate rows.
            float[] qg = ws.scratch(QG, n * 2 * c.qDim());
            gate = ws.scratch(GATE, n * c.qDim());
            wq.matmul(ws.xNorm, qg, n, pool);
            for (int h = 0, rows = n * c.heads(); h < rows; h++) {
                System.arraycopy(qg, 2 * h * hd, ws.q, h * hd, hd);
                System.arraycopy(qg, (2 * h + 1) * hd, gate, h * hd, hd);
            }
        } else {
            wq.matmul(ws.xNorm, ws.q, n, pool);
        }
        wk.matmul(ws.xNorm, ws.k, n, pool);
        wv.matmul(ws.xNorm, ws.v, n, pool);
        addBias(ws.q, bq, n);
        addBias(ws.k, bk, n);
        addBias(ws.v, bv, n);
        if (qNorm != null) qNorm.apply(ws.q, ws.q, n * c.heads());
        if (kNorm != null) kNorm.apply(ws.k, ws.k, n * c.kvHeads());
        for (int i = 0; i < n; i++) {
            int pos = at.position(i);
            for (int h = 0; h < c.heads(); h++) Ops.ropeNeox(ws.q, (i * c.heads() + h) * hd, c.ropeDims(), pos, c.ropeFreqBase());
            for (int h = 0; h < c.kvHeads(); h++) Ops.ropeNeox(ws.k, (i * c.kvHeads() + h) * hd, c.ropeDims(), pos, c.ropeFreqBase());
            KvCache cache = at.cache(i);
            cache.reserve(pos + 1);
            cache.store(layer, pos, ws.k, i * c.kvDim(), ws.v, i * c.vDim());
        }
        pool.forRange(n * c.heads(), (start, end) -> {
            for (int task = start; task < end; task++) {
                int token = task / c.heads();
                attendOne(ws, token, task % c.heads(), at.position(token), at.cache(token));
            }
        });
        if (gate != null) {
            for (int i = 0, len = n * c.qDim(); i < len; i++) ws.attn[i] *= Ops.sigmoid(gate[i]);
        }
        wo.matmul(ws.attn, ws.delta, n, pool);
    }

    private void attendOne(Workspace ws, int token, int head, int pos, KvCache cache) {
        int hd = c.headDim();
        int vd = c.valueDim();
        int kvHead = head / c.groupSize();
        int positions = pos + 1;
        float[] keys = cache.keys(layer);
        float[] values = cache.values(layer);
        int stride = cache.keyStride();
        float[] scores = SCORES.get();
        if (scores.length < positions) {
            scores = new float[Math.max(positions, Math.min(c.contextLength(), 2 * positions))];
            SCORES.set(scores);
        }
        int qOff = (token * c.heads() + head) * hd;
        // scores[t] = scale * sum_d q[d] * K[d][t], accumulated row by row over the transposed keys.
        java.util.Arrays.fill(scores, 0, positions, 0f);
        int keyRows = kvHead * hd * stride;
        for (int d = 0; d < hd; d++) {
            Ops.axpy(ws.q[qOff + d] * scale, keys, keyRows + d * stride, scores, 0, positions);
        }
        Ops.softmax(scores, 0, positions);
        int outOff = (token * c.heads() + head) * vd;
        java.util.Arrays.fill(ws.attn, outOff, outOff + vd, 0f);
        for (int t = 0; t < positions; t++) {
            Ops.axpy(scores[t], values, t * c.vDim() + kvHead * vd, ws.attn, outOff, vd);
        }
    }

    private static void addBias(float[] rows, float[] bias, int n) {
        if (bias == null) return;
        for (int i = 0; i < n; i++) Ops.add(rows, i * bias.length, bias, 0, bias.length);
    }
}
