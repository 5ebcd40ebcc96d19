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
    /**
     * Query rows (block tokens times the heads of one KV group) one attention task serves: 64 rows are sixteen
     * register groups that reuse each chunk of keys and values while it is in L1, with score rows still small.
     * 32 rows made twice the tasks, each paying its fixed costs (gathering its queries, the last partial chunk of
     * positions, per-row softmax setup): 64 gave pp512 +8-15% on the MoE mid shape (4 heads per KV head) and +11%
     * on Qwen3-0.6B.
     */
    private static final int MAX_BLOCK_ROWS = 64;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** The calling thread's RoPE angles of one position: cos, sin. */
    private static final ThreadLocal<float[][]> ANGLES = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});
    /** The calling thread's query block starts, reused across calls. */
    private static final ThreadLocal<int[]> BLOCKS = ThreadLocal.withInitial(() -> new int[0]);

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
    }

    @Override
    public void forward(Workspace ws, int n, TokenPlacement at, Parallel pool) {
        int hd = c.headDim();
        float[] gate = null;
        // With an output gate, per head the projection holds [q (hd) | gate (hd)]: split below into q rows and gate rows.
        float[] qOut = outputGate ? ws.scratch(QG, n * 2 * c.qDim()) : ws.q;
        Matrix.matmulAll(ws.xNorm, n, pool, new Matrix[] {wq, wk, wv}, new float[][] {qOut, ws.k, ws.v});
        if (outputGate) {
            gate = ws.scratch(GATE, n * c.qDim());
            for (int h = 0, rows = n * c.heads(); h < rows; h++) {
                System.arraycopy(qOut, 2 * h * hd, ws.q, h * hd, hd);
                System.arraycopy(qOut, (2 * h + 1) * hd, gate, h * hd, hd);
            }
        }
        addBias(ws.q, bq, n);
        addBias(ws.k, bk, n);
        addBias(ws.v, bv, n);
        if (qNorm != null) qNorm.apply(ws.q, ws.q, n * c.heads());
        if (kNorm != null) kNorm.apply(ws.k, ws.k, n * c.kvHeads());
        for (int i = 0; i < n; i++) at.cache(i).reserve(at.position(i) + 1);
        pool.forRows(n, (t0, t1) -> rotateAndStore(ws, at, t0, t1));
        attend(c, layer, ws.q, ws.attn, n, at, pool);
        if (gate != null) Ops.mulSigmoid(ws.attn, gate, 0, n * c.qDim());
        wo.matmul(ws.attn, ws.delta, n, pool);
    }

    /** Tokens [t0, t1): RoPE on their q and k heads (the angles computed once per token), k and v into the caches. */
    private void rotateAndStore(Workspace ws, TokenPlacement at, int t0, int t1) {
        int hd = c.headDim();
        float[][] angles = ANGLES.get();
        if (angles[0].length < c.ropeDims() / 2) {
            angles[0] = new float[c.ropeDims() / 2];
            angles[1] = new float[c.ropeDims() / 2];
        }
        float[] cos = angles[0];
        float[] sin = angles[1];
        for (int i = t0; i < t1; i++) {
            int pos = at.position(i);
            Ops.ropeAngles(c.ropeDims(), pos, c.ropeFreqBase(), cos, sin);
            for (int h = 0; h < c.heads(); h++) Ops.ropeNeox(ws.q, (i * c.heads() + h) * hd, c.ropeDims(), cos, sin);
            for (int h = 0; h < c.kvHeads(); h++) Ops.ropeNeox(ws.k, (i * c.kvHeads() + h) * hd, c.ropeDims(), cos, sin);
            at.cache(i).store(layer, pos, ws.k, i * c.kvDim(), ws.v, i * c.vDim());
        }
    }

    /**
     * softmax(q k^T / sqrt(headDim)) v for the {@code n} tokens of {@code at}, whose keys and values of layer
     * {@code layer} are in their caches: q rows {@code [token][head][headDim]} in, {@code out} rows
     * {@code [token][head][valueDim]} out. Consecutive tokens of one sequence at consecutive positions form query
     * blocks, and one task serves a block and one KV head: its queries (block tokens times the heads sharing that
     * KV head) read each key and value vector once, and each query sees positions up to its own (causal mask).
     */
    static void attend(ModelConfig c, int layer, float[] q, float[] out, int n, TokenPlacement at, Parallel pool) {
        int blockTokens = Math.max(1, MAX_BLOCK_ROWS / c.groupSize());
        int[] blocks = BLOCKS.get();
        if (blocks.length < n + 1) {
            blocks = new int[n + 1];
            BLOCKS.set(blocks);
        }
        int count = 0;
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && j - i < blockTokens && at.cache(j) == at.cache(i) && at.position(j) == at.position(j - 1) + 1) j++;
            blocks[count++] = i;
            i = j;
        }
        blocks[count] = n;
        int blockCount = count;
        int[] starts = blocks;
        int kvHeads = c.kvHeads();
        pool.forRange(blockCount * kvHeads, (start, end) -> {
            for (int task = start; task < end; task++) {
                // Later blocks see more positions: hand them out first so the threads finish together.
                int b = blockCount - 1 - task / kvHeads;
                attendBlock(c, layer, q, out, starts[b], starts[b + 1], task % kvHeads, at);
            }
        });
    }

    /** Tokens [first, end) of one sequence at consecutive positions, with the query heads of KV head kvHead. */
    private static void attendBlock(ModelConfig c, int layer, float[] q, float[] out, int first, int end, int kvHead, TokenPlacement at) {
        int hd = c.headDim();
        int vd = c.valueDim();
        int group = c.groupSize();
        int heads = c.heads();
        int rows = (end - first) * group;
        int padded = (rows + Ops.ATTENTION_ROWS - 1) / Ops.ATTENTION_ROWS * Ops.ATTENTION_ROWS;
        int firstPos = at.position(first);
        int positions = at.position(end - 1) + 1;
        KvCache cache = at.cache(first);
        Scratch s = SCRATCH.get().fit(padded * hd, padded * positions, padded * vd, c.contextLength());
        gatherQueries(q, s.queries, first, rows, padded, group, heads, kvHead, hd);
        int stride = cache.keyStride();
        Ops.attentionScores(s.queries, rows, hd, cache.keys(layer), kvHead * hd * stride, stride, positions, s.scores, positions);
        // Causal mask: row r sees positions up to its token's; the padding rows' zero scores are left as they are.
        for (int r = 0; r < rows; r++) {
            int seen = firstPos + r / group + 1;
            Ops.softmaxVectorized(s.scores, r * positions, seen);
            java.util.Arrays.fill(s.scores, r * positions + seen, (r + 1) * positions, 0f);
        }
        Ops.attentionValues(s.scores, positions, rows, positions, cache.values(layer), kvHead * vd, c.vDim(), vd, s.out);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s.out, r * vd, out, ((first + r / group) * heads + kvHead * group + r % group) * vd, vd);
        }
    }

    /**
     * Query row r of the block is token first + r / group, head kvHead * group + r % group: copied pre-scaled into
     * the interleaved layout the score kernel reads, zero rows padding the last group. A method of its own: as a loop
     * inside attendBlock it made C2 compile that whole method (every attention kernel inlined) twice while the first
     * prompt ran, once for the loop alone (on-stack replacement): 0.26 + 0.31 s of the compiler's time (decision 0013).
     */
    private static void gatherQueries(float[] q, float[] queries, int first, int rows, int padded, int group, int heads, int kvHead, int hd) {
        float scale = (float) (1.0 / Math.sqrt(hd));
        for (int r = 0; r < padded; r++) {
            int qOff = ((first + r / group) * heads + kvHead * group + r % group) * hd;
            for (int d = 0; d < hd; d++) queries[Ops.attentionQueryIndex(r, d, hd)] = r < rows ? q[qOff + d] * scale : 0f;
        }
    }

    /** Per-thread buffers of one query block: interleaved queries, score rows, output rows; grown, never shrunk. */
    private static final class Scratch {
        float[] queries = new float[0];
        float[] scores = new float[0];
        float[] out = new float[0];

        Scratch fit(int queryFloats, int scoreFloats, int outFloats, int contextLength) {
            if (queries.length < queryFloats) queries = new float[queryFloats];
            if (out.length < outFloats) out = new float[outFloats];
            if (scores.length < scoreFloats) {
                // Grow ahead of a lengthening sequence, by at most what the context allows.
                scores = new float[Math.max(scoreFloats, (int) Math.min((long) scoreFloats * 2, (long) MAX_BLOCK_ROWS * contextLength))];
            }
            return this;
        }
    }

    private static void addBias(float[] rows, float[] bias, int n) {
        if (bias == null) return;
        for (int i = 0; i < n; i++) Ops.add(rows, i * bias.length, bias, 0, bias.length);
    }
}
