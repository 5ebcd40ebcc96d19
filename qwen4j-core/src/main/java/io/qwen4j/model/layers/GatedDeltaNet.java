package io.qwen4j.model.layers;

import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.DeltaNetConfig;
import io.qwen4j.model.KvCache;
import io.qwen4j.model.TokenPlacement;
import io.qwen4j.model.ModelConfig;
import io.qwen4j.model.WeightLoader;
import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Ops;
import io.qwen4j.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Gated DeltaNet (Yang, Kautz and Hatamizadeh 2024), the linear-attention layer of Qwen3-Next and Qwen3.5, as
 * llama.cpp runs it (src/models/qwen35.cpp build_layer_attn_linear, delta-net-base.cpp; HF Qwen3NextGatedDeltaNet):
 * <ol>
 * <li>{@code qkv = attn_qkv x}, a causal depthwise convolution over time (kernel {@code ssm_conv1d}, the last
 *     kernel-1 inputs carried in the state), SiLU; split into q, k (keyHeads x keyDim) and v (valueHeads x valueDim);
 * <li>q and k L2-normalised per head ({@code x / sqrt(sum x^2 + eps)}, eps the RMS eps), q scaled by 1/sqrt(keyDim);
 * <li>per value head: {@code beta = sigmoid(b)}, decay {@code g = exp(ssm_a * softplus(alpha + ssm_dt.bias))}
 *     ({@code ssm_a} stores -exp(A_log)); the delta rule on the [keyDim x valueDim] state S:
 *     {@code S = g S; S += k (beta (v - S^T k))^T; o = S^T q};
 * <li>{@code o = rmsnorm(o) * ssm_norm * silu(z)} with {@code z = attn_gate x}; output {@code ssm_out o}.
 * </ol>
 * Prompts run in chunks of {@link #CHUNK} tokens in the WY form (HF torch_chunk_gated_delta_rule): within a chunk
 * the recurrence becomes a small triangular solve and matrix products; decode runs the recurrence one step.
 */
public final class GatedDeltaNet implements Mixer {
    public static final int CHUNK = 64;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    /** Workspace scratch slots. */
    private static final int QKV = 0;
    private static final int Z = 1;
    private static final int BETA = 2;
    private static final int DECAY = 3;
    private static final int CONV_IN = 4;
    private static final int OUT = 5;
    private static final int ALPHA = 6;

    private final DeltaNetConfig d;
    private final int layer;
    private final int hidden;
    private final float eps;
    private final Matrix wqkv;
    private final Matrix wz;
    /** Either separate beta and alpha projections (qwen35) or one fused per key head [beta(r) | alpha(r)] (qwen3next). */
    private final Matrix wBeta;
    private final Matrix wAlpha;
    private final Matrix wBetaAlpha;
    private final float[] dtBias;
    private final float[] ssmA;
    /** Convolution weights transposed to [kernel][channel], so each tap is a contiguous axpy over channels. */
    private final float[] conv;
    private final float[] normWeight;
    private final Matrix wOut;
    private static final ThreadLocal<float[]> CHUNK_SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private GatedDeltaNet(DeltaNetConfig d, int layer, int hidden, float eps, Matrix wqkv, Matrix wz, Matrix wBeta,
                          Matrix wAlpha, Matrix wBetaAlpha, float[] dtBias, float[] ssmA, float[] conv, float[] normWeight, Matrix wOut) {
        this.d = d;
        this.layer = layer;
        this.hidden = hidden;
        this.eps = eps;
        this.wqkv = wqkv;
        this.wz = wz;
        this.wBeta = wBeta;
        this.wAlpha = wAlpha;
        this.wBetaAlpha = wBetaAlpha;
        this.dtBias = dtBias;
        this.ssmA = ssmA;
        this.conv = conv;
        this.normWeight = normWeight;
        this.wOut = wOut;
    }

    /** Layer {@code layer} from llama.cpp's tensors; {@code fusedBetaAlpha}: one {@code ssm_ba} projection (qwen3next). */
    public static GatedDeltaNet load(WeightLoader w, ModelConfig c, DeltaNetConfig d, int layer, boolean fusedBetaAlpha)
            throws GgufFormatException {
        String p = "blk." + layer + ".";
        int channels = d.convChannels();
        int nv = d.valueHeads();
        int kernel = d.convKernel();
        float[] convRaw = w.smallMatrix(p + "ssm_conv1d.weight", channels, kernel);
        float[] conv = new float[kernel * channels];
        for (int ch = 0; ch < channels; ch++) {
            for (int k = 0; k < kernel; k++) conv[k * channels + ch] = convRaw[ch * kernel + k];
        }
        return new GatedDeltaNet(d, layer, c.hidden(), c.rmsEps(),
                w.matrix(p + "attn_qkv.weight", channels, c.hidden()),
                w.matrix(p + "attn_gate.weight", d.valueWidth(), c.hidden()),
                fusedBetaAlpha ? null : w.matrix(p + "ssm_beta.weight", nv, c.hidden()),
                fusedBetaAlpha ? null : w.matrix(p + "ssm_alpha.weight", nv, c.hidden()),
                fusedBetaAlpha ? w.matrix(p + "ssm_ba.weight", 2 * nv, c.hidden()) : null,
                w.vector(p + "ssm_dt.bias", nv),
                w.vector(p + "ssm_a", nv),
                conv,
                w.vector(p + "ssm_norm.weight", d.valueDim()),
                w.matrix(p + "ssm_out.weight", c.hidden(), d.valueWidth()));
    }

    /** Floats of this layer's per-sequence state: the convolution's last inputs and the per-head delta-rule states. */
    public KvCache.RecurrentShape stateShape() {
        return new KvCache.RecurrentShape((d.convKernel() - 1) * d.convChannels(), d.valueHeads() * d.keyDim() * d.valueDim());
    }

    @Override
    public void forward(Workspace ws, int n, TokenPlacement at, Parallel pool) {
        // One recurrent state per sequence: the tokens of a call must all belong to one (TransformerDecoder sees to it).
        KvCache cache = at.cache(0);
        if (at.cache(n - 1) != cache) throw new IllegalArgumentException("a Gated DeltaNet step runs the tokens of one sequence");
        int nv = d.valueHeads();
        int channels = d.convChannels();
        float[] qkv = ws.scratch(QKV, n * channels);
        float[] z = ws.scratch(Z, n * d.valueWidth());
        float[] beta = ws.scratch(BETA, n * nv);
        float[] decay = ws.scratch(DECAY, n * nv);
        // All of the layer's input projections in one hand-off to the pool.
        float[] ba = wBetaAlpha != null ? ws.scratch(ALPHA, n * 2 * nv) : null;
        if (ba != null) {
            Matrix.matmulAll(ws.xNorm, n, pool, new Matrix[] {wqkv, wz, wBetaAlpha}, new float[][] {qkv, z, ba});
        } else {
            Matrix.matmulAll(ws.xNorm, n, pool, new Matrix[] {wqkv, wz, wBeta, wAlpha}, new float[][] {qkv, z, beta, decay});
        }
        gates(ba, n, beta, decay);
        if (n == 1) {
            float[] convState = cache.convState(layer);
            pool.forRange(2 * d.keyHeads() + nv, (s0, s1) -> {
                for (int seg = s0; seg < s1; seg++) convolveOne(qkv, convState, seg);
            });
        } else {
            convolve(ws, qkv, n, cache.convState(layer), pool);
            pool.forRows(n, (t0, t1) -> normalizeQk(qkv, t0, t1));
        }

        float[] out = ws.scratch(OUT, n * d.valueWidth());
        float[] state = cache.recurrentState(layer);
        if (n == 1) {
            // A decode step's heads each go on to their gated norm in the same task: no second hand-off, and the
            // head's output is still in cache.
            pool.forRange(nv, (h0, h1) -> {
                for (int h = h0; h < h1; h++) {
                    step(qkv, beta, decay, state, out, h);
                    gatedNorm(out, z, h);
                }
            });
        } else {
            pool.forRange(nv, (h0, h1) -> {
                for (int h = h0; h < h1; h++) chunked(qkv, beta, decay, state, out, h, n);
            });
            pool.forRows(n, (t0, t1) -> {
                for (int r = t0 * nv; r < t1 * nv; r++) gatedNorm(out, z, r);
            });
        }
        wOut.matmul(out, ws.delta, n, pool);
    }

    /**
     * beta = sigmoid(b) and the log of the decay, ssm_a * softplus(alpha + dt_bias), per token and value head, from
     * the projections in {@code beta} and {@code logDecay}, or in {@code ba} where one matrix makes both.
     */
    private void gates(float[] ba, int n, float[] beta, float[] logDecay) {
        int nv = d.valueHeads();
        if (ba != null) {
            // Per key head kh: [beta of its r value heads | alpha of them] (llama.cpp qwen3next.cpp, HF fix_query_key_value_ordering).
            int r = nv / d.keyHeads();
            for (int t = 0; t < n; t++) {
                for (int kh = 0; kh < d.keyHeads(); kh++) {
                    for (int j = 0; j < r; j++) {
                        int h = kh * r + j;
                        beta[t * nv + h] = ba[t * 2 * nv + kh * 2 * r + j];
                        logDecay[t * nv + h] = ba[t * 2 * nv + kh * 2 * r + r + j];
                    }
                }
            }
        }
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < nv; h++) {
                int i = t * nv + h;
                beta[i] = Ops.sigmoid(beta[i]);
                logDecay[i] = ssmA[h] * Ops.softplus(logDecay[i] + dtBias[h]);
            }
        }
    }

    /** Causal depthwise convolution of qkv over time, continuing from the carried inputs, then SiLU; updates the state. */
    private void convolve(Workspace ws, float[] qkv, int n, float[] convState, Parallel pool) {
        int channels = d.convChannels();
        int kernel = d.convKernel();
        int carried = (kernel - 1) * channels;
        float[] in = ws.scratch(CONV_IN, carried + n * channels);
        System.arraycopy(convState, 0, in, 0, carried);
        System.arraycopy(qkv, 0, in, carried, n * channels);
        // Each output token reads only the copied inputs, so tokens are independent.
        pool.forRows(n, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int o = t * channels;
                java.util.Arrays.fill(qkv, o, o + channels, 0f);
                for (int k = 0; k < kernel; k++) mulAdd(conv, k * channels, in, (t + k) * channels, qkv, o, channels);
                Ops.silu(qkv, o, channels);
            }
        });
        System.arraycopy(in, n * channels, convState, 0, carried);
    }

    /**
     * Gated RMSNorm of output row r (token t, value head h at r = t * valueHeads + h), llama.cpp build_norm_gated:
     * {@code rmsnorm(o) * ssm_norm * silu(z)}; ssm_norm has no +1 offset.
     */
    private void gatedNorm(float[] out, float[] z, int r) {
        int dv = d.valueDim();
        Ops.rmsNorm(out, r * dv, out, r * dv, normWeight, dv, eps);
        Ops.mulSilu(out, z, r * dv, dv);
    }

    /**
     * One token's convolution, SiLU and (for q and k) L2 normalisation over segment {@code seg} of the channels: q
     * heads, then k heads, then v heads. The same operations in the same order as {@link #convolve} and
     * {@link #normalizeQk}, so the same bits, but in place: the carried inputs shift down by one as they are read,
     * and the segments are independent, so a decode step runs them all in parallel without copying the state.
     */
    private void convolveOne(float[] qkv, float[] convState, int seg) {
        int channels = d.convChannels();
        int taps = d.convKernel() - 1;
        int nk = d.keyHeads();
        int width = seg < 2 * nk ? d.keyDim() : d.valueDim();
        int o = seg < 2 * nk ? seg * d.keyDim() : 2 * nk * d.keyDim() + (seg - 2 * nk) * d.valueDim();
        int i = 0;
        for (int upper = F.loopBound(width); i < upper; i += F.length()) {
            int c = o + i;
            var acc = FloatVector.zero(F);
            for (int k = 0; k < taps; k++) {
                var carried = FloatVector.fromArray(F, convState, k * channels + c);
                acc = FloatVector.fromArray(F, conv, k * channels + c).fma(carried, acc);
                if (k > 0) carried.intoArray(convState, (k - 1) * channels + c);
            }
            var x = FloatVector.fromArray(F, qkv, c);
            if (taps > 0) x.intoArray(convState, (taps - 1) * channels + c);
            FloatVector.fromArray(F, conv, taps * channels + c).fma(x, acc).intoArray(qkv, c);
        }
        for (; i < width; i++) {
            int c = o + i;
            float acc = 0f;
            for (int k = 0; k < taps; k++) {
                float carried = convState[k * channels + c];
                acc = Math.fma(conv[k * channels + c], carried, acc);
                if (k > 0) convState[(k - 1) * channels + c] = carried;
            }
            float x = qkv[c];
            if (taps > 0) convState[(taps - 1) * channels + c] = x;
            qkv[c] = Math.fma(conv[taps * channels + c], x, acc);
        }
        Ops.silu(qkv, o, width);
        if (seg < 2 * nk) normalizeHead(qkv, o, seg < nk);
    }

    /** {@code y += a * b} element-wise. */
    private static void mulAdd(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = Math.fma(a[aOff + i], b[bOff + i], y[yOff + i]); // as the vector lanes
    }

    /** L2-normalises every q and k head of tokens [t0, t1) ({@code x / sqrt(sum x^2 + eps)}, ggml_l2_norm) and scales q by 1/sqrt(keyDim). */
    private void normalizeQk(float[] qkv, int t0, int t1) {
        int dk = d.keyDim();
        int heads = 2 * d.keyHeads();
        for (int t = t0; t < t1; t++) {
            for (int hh = 0; hh < heads; hh++) normalizeHead(qkv, t * d.convChannels() + hh * dk, hh < d.keyHeads());
        }
    }

    /** One q or k head at {@code off}: L2-normalised, and a q head also scaled by 1/sqrt(keyDim). */
    private void normalizeHead(float[] qkv, int off, boolean query) {
        int dk = d.keyDim();
        float ss = Ops.dot(qkv, off, qkv, off, dk);
        float s = (float) (1.0 / Math.sqrt(ss + eps));
        Ops.scale(qkv, off, dk, query ? s * (float) (1.0 / Math.sqrt(dk)) : s);
    }

    private int qOff(int t, int kh) {
        return t * d.convChannels() + kh * d.keyDim();
    }

    private int kOff(int t, int kh) {
        return t * d.convChannels() + (d.keyHeads() + kh) * d.keyDim();
    }

    private int vOff(int t, int h) {
        return t * d.convChannels() + 2 * d.keyHeads() * d.keyDim() + h * d.valueDim();
    }

    /**
     * One token of the recurrence for value head h: {@code S = g S; mem = S^T k; delta = beta (v - mem);
     * S += k delta^T; o = S^T q}, in two passes over the state's rows (decay and read, then write and query).
     */
    private void step(float[] qkv, float[] beta, float[] logDecay, float[] state, float[] out, int h) {
        int dv = d.valueDim();
        int kh = d.keyHeadOf(h);
        var at = new StepOffsets(h * d.keyDim() * dv, kOff(0, kh), qOff(0, kh), vOff(0, h), h * dv);
        float g = (float) Math.exp(logDecay[h]);
        float b = beta[h];
        int wide = 4 * F.length();
        int j = 0;
        for (; j + wide <= dv; j += wide) stepColumns(qkv, g, b, state, out, at, j);
        if (j < dv) stepRemainingColumns(qkv, g, b, state, out, at, j);
    }

    /** Where a step's state, k, q, v and output start. */
    private record StepOffsets(int state, int k, int q, int v, int out) {}

    /**
     * {@link #step} for state columns [j, j + 32): each pass keeps its four vectors of sums in registers across the
     * rows, where a pass over whole rows loaded and stored them for every row (1.2-1.4x the step on its own).
     * The same operations in the same order per column as {@link #stepRemainingColumns}.
     */
    private void stepColumns(float[] qkv, float g, float b, float[] state, float[] out, StepOffsets at, int j) {
        int dk = d.keyDim();
        int dv = d.valueDim();
        int n = F.length();
        var gv = FloatVector.broadcast(F, g);
        var m0 = FloatVector.zero(F);
        var m1 = m0;
        var m2 = m0;
        var m3 = m0;
        for (int i = 0; i < dk; i++) {
            int row = at.state() + i * dv + j;
            var ki = FloatVector.broadcast(F, qkv[at.k() + i]);
            var s0 = FloatVector.fromArray(F, state, row).mul(gv);
            var s1 = FloatVector.fromArray(F, state, row + n).mul(gv);
            var s2 = FloatVector.fromArray(F, state, row + 2 * n).mul(gv);
            var s3 = FloatVector.fromArray(F, state, row + 3 * n).mul(gv);
            s0.intoArray(state, row);
            s1.intoArray(state, row + n);
            s2.intoArray(state, row + 2 * n);
            s3.intoArray(state, row + 3 * n);
            m0 = s0.fma(ki, m0);
            m1 = s1.fma(ki, m1);
            m2 = s2.fma(ki, m2);
            m3 = s3.fma(ki, m3);
        }
        int v = at.v() + j;
        var d0 = FloatVector.fromArray(F, qkv, v).sub(m0).mul(b);
        var d1 = FloatVector.fromArray(F, qkv, v + n).sub(m1).mul(b);
        var d2 = FloatVector.fromArray(F, qkv, v + 2 * n).sub(m2).mul(b);
        var d3 = FloatVector.fromArray(F, qkv, v + 3 * n).sub(m3).mul(b);
        var o0 = FloatVector.zero(F);
        var o1 = o0;
        var o2 = o0;
        var o3 = o0;
        for (int i = 0; i < dk; i++) {
            int row = at.state() + i * dv + j;
            var ki = FloatVector.broadcast(F, qkv[at.k() + i]);
            var qi = FloatVector.broadcast(F, qkv[at.q() + i]);
            var s0 = d0.fma(ki, FloatVector.fromArray(F, state, row));
            var s1 = d1.fma(ki, FloatVector.fromArray(F, state, row + n));
            var s2 = d2.fma(ki, FloatVector.fromArray(F, state, row + 2 * n));
            var s3 = d3.fma(ki, FloatVector.fromArray(F, state, row + 3 * n));
            s0.intoArray(state, row);
            s1.intoArray(state, row + n);
            s2.intoArray(state, row + 2 * n);
            s3.intoArray(state, row + 3 * n);
            o0 = s0.fma(qi, o0);
            o1 = s1.fma(qi, o1);
            o2 = s2.fma(qi, o2);
            o3 = s3.fma(qi, o3);
        }
        int o = at.out() + j;
        o0.intoArray(out, o);
        o1.intoArray(out, o + n);
        o2.intoArray(out, o + 2 * n);
        o3.intoArray(out, o + 3 * n);
    }

    /** {@link #step} for state columns [j0, valueDim) (fewer than 32), a vector or a float at a time. */
    private void stepRemainingColumns(float[] qkv, float g, float b, float[] state, float[] out, StepOffsets at, int j0) {
        int dk = d.keyDim();
        int dv = d.valueDim();
        float[] mem = scratch(dv);
        java.util.Arrays.fill(mem, j0, dv, 0f);
        int vec = j0 + F.loopBound(dv - j0);
        var gv = FloatVector.broadcast(F, g);
        for (int i = 0; i < dk; i++) {
            int row = at.state() + i * dv;
            float k = qkv[at.k() + i];
            var ki = FloatVector.broadcast(F, k);
            int j = j0;
            for (; j < vec; j += F.length()) {
                var s = FloatVector.fromArray(F, state, row + j).mul(gv);
                s.intoArray(state, row + j);
                s.fma(ki, FloatVector.fromArray(F, mem, j)).intoArray(mem, j);
            }
            for (; j < dv; j++) {
                state[row + j] *= g;
                mem[j] = Math.fma(state[row + j], k, mem[j]);
            }
        }
        for (int j = j0; j < dv; j++) mem[j] = (qkv[at.v() + j] - mem[j]) * b;
        java.util.Arrays.fill(out, at.out() + j0, at.out() + dv, 0f);
        for (int i = 0; i < dk; i++) {
            int row = at.state() + i * dv;
            float k = qkv[at.k() + i];
            float q = qkv[at.q() + i];
            var ki = FloatVector.broadcast(F, k);
            var qi = FloatVector.broadcast(F, q);
            int j = j0;
            for (; j < vec; j += F.length()) {
                var s = FloatVector.fromArray(F, mem, j).fma(ki, FloatVector.fromArray(F, state, row + j));
                s.intoArray(state, row + j);
                s.fma(qi, FloatVector.fromArray(F, out, at.out() + j)).intoArray(out, at.out() + j);
            }
            for (; j < dv; j++) {
                state[row + j] = Math.fma(mem[j], k, state[row + j]);
                out[at.out() + j] = Math.fma(state[row + j], q, out[at.out() + j]);
            }
        }
    }

    /**
     * The tokens of value head h in chunks of {@link #CHUNK} (HF torch_chunk_gated_delta_rule, llama.cpp
     * build_delta_net_chunking). Within a chunk with cumulative log decays G: the WY transform
     * {@code T = (I + strictly_lower(beta k k^T * exp(G_i - G_j)))^-1}, {@code U = T (beta v)},
     * {@code W = T (beta exp(G) k)}; then {@code v' = U - W S}, {@code o = exp(G) q S + (q k^T * exp(G_i - G_j))_{j<=i} v'},
     * {@code S = exp(G_last) S + sum_j exp(G_last - G_j) k_j v'_j^T}.
     */
    private void chunked(float[] qkv, float[] beta, float[] logDecay, float[] state, float[] out, int h, int n) {
        int dk = d.keyDim();
        int dv = d.valueDim();
        int nv = d.valueHeads();
        int kh = d.keyHeadOf(h);
        int s0 = h * dk * dv;
        int c = CHUNK;
        // Per-thread scratch: G[c] A[c][c] row[c] U[c][dv] W[c][dk]
        float[] buf = scratch(c + c * c + c + c * dv + c * dk);
        int gOff = 0;
        int aOff = c;
        int rowOff = aOff + c * c;
        int uOff = rowOff + c;
        int wOff = uOff + c * dv;
        for (int t0 = 0; t0 < n; t0 += c) {
            int len = Math.min(c, n - t0);
            double acc = 0;
            for (int i = 0; i < len; i++) {
                acc += logDecay[(t0 + i) * nv + h];
                buf[gOff + i] = (float) acc;
            }
            // A[i][j] = -beta_i (k_i . k_j) exp(G_i - G_j) for j < i, then the forward substitution that inverts I - A.
            for (int i = 0; i < len; i++) {
                float bi = beta[(t0 + i) * nv + h];
                for (int j = 0; j < i; j++) {
                    float kk = Ops.dot(qkv, kOff(t0 + i, kh), qkv, kOff(t0 + j, kh), dk);
                    buf[aOff + i * c + j] = -bi * kk * (float) Math.exp(buf[gOff + i] - buf[gOff + j]);
                }
            }
            for (int i = 1; i < len; i++) {
                System.arraycopy(buf, aOff + i * c, buf, rowOff, i);
                for (int j = 0; j < i; j++) {
                    float sum = 0;
                    for (int m = j + 1; m < i; m++) sum += buf[rowOff + m] * buf[aOff + m * c + j];
                    buf[aOff + i * c + j] = buf[rowOff + j] + sum;
                }
            }
            // U = T (beta v), W = T (beta exp(G) k), with T = A + I.
            for (int i = 0; i < len; i++) {
                int u = uOff + i * dv;
                int w = wOff + i * dk;
                java.util.Arrays.fill(buf, u, u + dv, 0f);
                java.util.Arrays.fill(buf, w, w + dk, 0f);
                for (int j = 0; j <= i; j++) {
                    float tij = j == i ? 1f : buf[aOff + i * c + j];
                    if (tij == 0f) continue;
                    float bj = beta[(t0 + j) * nv + h] * tij;
                    Ops.axpy(bj, qkv, vOff(t0 + j, h), buf, u, dv);
                    Ops.axpy(bj * (float) Math.exp(buf[gOff + j]), qkv, kOff(t0 + j, kh), buf, w, dk);
                }
            }
            // v' = U - W S (into U); o_i = exp(G_i) q_i S + sum_{j<=i} (q_i . k_j) exp(G_i - G_j) v'_j.
            for (int i = 0; i < len; i++) {
                int u = uOff + i * dv;
                int w = wOff + i * dk;
                int o = (t0 + i) * nv * dv + h * dv;
                java.util.Arrays.fill(out, o, o + dv, 0f);
                int q = qOff(t0 + i, kh);
                float eg = (float) Math.exp(buf[gOff + i]);
                for (int r = 0; r < dk; r++) {
                    Ops.axpy(-buf[w + r], state, s0 + r * dv, buf, u, dv);
                    Ops.axpy(qkv[q + r] * eg, state, s0 + r * dv, out, o, dv);
                }
            }
            for (int i = 0; i < len; i++) {
                int o = (t0 + i) * nv * dv + h * dv;
                int q = qOff(t0 + i, kh);
                for (int j = 0; j <= i; j++) {
                    float qk = Ops.dot(qkv, q, qkv, kOff(t0 + j, kh), dk) * (float) Math.exp(buf[gOff + i] - buf[gOff + j]);
                    Ops.axpy(qk, buf, uOff + j * dv, out, o, dv);
                }
            }
            // S = exp(G_last) S + sum_j exp(G_last - G_j) k_j v'_j^T
            float last = buf[gOff + len - 1];
            Ops.scale(state, s0, dk * dv, (float) Math.exp(last));
            for (int j = 0; j < len; j++) {
                float e = (float) Math.exp(last - buf[gOff + j]);
                int k = kOff(t0 + j, kh);
                for (int r = 0; r < dk; r++) Ops.axpy(qkv[k + r] * e, buf, uOff + j * dv, state, s0 + r * dv, dv);
            }
        }
    }

    private static float[] scratch(int size) {
        float[] b = CHUNK_SCRATCH.get();
        if (b.length < size) {
            b = new float[size];
            CHUNK_SCRATCH.set(b);
        }
        return b;
    }
}
