package io.qwen4j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Element-wise and reduction kernels of the forward pass, vectorised where they touch whole rows. */
public final class Ops {
    private Ops() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;

    /**
     * The Q8_0 / Q4_0 decode kernels' species: 16 floats where the host has 512-bit vectors (AVX-512), else F.
     * Widening 16 bytes to 16 floats is one instruction either way, so the wide kernel runs half as many of the
     * conversions, loads and bounds checks that bind it (docs/decisions/0007).
     */
    static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : F;

    /** Bytes in as many lanes as WIDE has floats. */
    static final VectorSpecies<Byte> WIDE_BYTES = WIDE.length() == 16 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

    /** {@code out = x / sqrt(mean(x^2) + eps) * weight} (weight may be null); in place allowed. ggml_compute_forward_rms_norm_f32 sums in double. */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            sum += (double) (v * v);
        }
        float scale = (float) (1.0 / Math.sqrt(sum / n + eps));
        if (weight == null) {
            for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * scale;
        } else {
            for (int i = 0; i < n; i++) out[outOff + i] = x[xOff + i] * scale * weight[i];
        }
    }

    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        var acc = FloatVector.zero(F);
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /** {@code y += a * x}. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        var av = FloatVector.broadcast(F, a);
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).fma(av, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    /** {@code y += x}. */
    public static void add(float[] y, int yOff, float[] x, int xOff, int n) {
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector.fromArray(F, y, yOff + i).add(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += x[xOff + i];
    }

    /** In-place softmax, max-subtracted; the sum is accumulated in double as ggml does. */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) x[off + i] *= inv;
    }

    /**
     * In-place softmax as ggml_vec_soft_max_f32 computes it: max-subtracted, exp in float a vector at a time
     * (through {@link #exp}, within an ulp of {@link #softmax}'s), each vector's sum added in double.
     */
    public static void softmaxVectorized(float[] x, int off, int n) {
        int len = F.length();
        int upper = F.loopBound(n);
        var maxV = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < upper; i += len) maxV = maxV.max(FloatVector.fromArray(F, x, off + i));
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) max = Math.max(max, x[off + i]);
        var maxB = FloatVector.broadcast(F, max);
        double sum = 0;
        for (i = 0; i < upper; i += len) {
            var e = exp(FloatVector.fromArray(F, x, off + i).sub(maxB));
            e.intoArray(x, off + i);
            sum += e.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        scale(x, off, n, (float) (1.0 / sum));
    }

    /**
     * Query rows per register block of {@link #attentionScores} and {@link #attentionValues}: each key or value
     * vector loaded is multiplied into the accumulators of this many queries (two vectors of positions or value
     * dims each, eight accumulators: within AVX2's sixteen registers).
     */
    public static final int ATTENTION_ROWS = 4;

    /** Where query row r, dim d goes in {@link #attentionScores}'s interleaved layout. */
    public static int attentionQueryIndex(int r, int d, int dims) {
        return (r / ATTENTION_ROWS * dims + d) * ATTENTION_ROWS + r % ATTENTION_ROWS;
    }

    /**
     * Attention scores of a block of query rows against one KV head's keys stored transposed ({@code [dim][position]},
     * row stride {@code kStride}, as KvCache keeps them): {@code s[r * ld + t] = sum_d q_r[d] * k[kOff + d * kStride + t]}
     * for t < positions and r below rows rounded up to {@link #ATTENTION_ROWS} (pad q with zero rows). The queries
     * come interleaved in groups of ATTENTION_ROWS rows ({@link #attentionQueryIndex}), so each key vector is loaded
     * once for the whole group and multiplied into registers (an outer product), instead of one load-add-store
     * axpy pass per query and dim.
     */
    public static void attentionScores(float[] q, int rows, int dims, float[] k, int kOff, int kStride, int positions,
                                       float[] s, int ld) {
        int groups = (rows + ATTENTION_ROWS - 1) / ATTENTION_ROWS;
        int vectorEnd = positions - positions % PANEL_WIDTH;
        // Several groups read each chunk of keys: copy it into a contiguous panel that stays in L1 (the cache's key
        // rows are often a power of two apart, which maps a chunk onto few cache sets). One group reads it in place.
        boolean pack = groups > 1;
        float[] panel = pack ? panel(dims * PANEL_WIDTH) : null;
        for (int t = 0; t < vectorEnd; t += PANEL_WIDTH) {
            float[] src = k;
            int off = kOff + t;
            int stride = kStride;
            if (pack) {
                for (int d = 0; d < dims; d++) copyPanelRow(k, kOff + d * kStride + t, panel, d * PANEL_WIDTH);
                src = panel;
                off = 0;
                stride = PANEL_WIDTH;
            }
            for (int g = 0; g < groups; g++) scoresGroup(q, g * dims * ATTENTION_ROWS, dims, src, off, stride, s, g * ATTENTION_ROWS * ld + t, ld);
        }
        int tail = positions - vectorEnd;
        if (tail == 0) return;
        // The last partial chunk: keys read under a mask into a zero-padded panel, scores through a small buffer.
        float[] padded = panel(dims * PANEL_WIDTH + ATTENTION_ROWS * PANEL_WIDTH);
        int len = F.length();
        var first = F.indexInRange(0, tail);
        var second = F.indexInRange(len, tail);
        for (int d = 0; d < dims; d++) {
            int kd = kOff + d * kStride + vectorEnd;
            FloatVector.fromArray(F, k, kd, first).intoArray(padded, d * PANEL_WIDTH);
            FloatVector.fromArray(F, k, kd + len, second).intoArray(padded, d * PANEL_WIDTH + len);
        }
        int scoresOff = dims * PANEL_WIDTH;
        for (int g = 0; g < groups; g++) {
            scoresGroup(q, g * dims * ATTENTION_ROWS, dims, padded, 0, PANEL_WIDTH, padded, scoresOff, PANEL_WIDTH);
            for (int i = 0; i < ATTENTION_ROWS; i++) {
                System.arraycopy(padded, scoresOff + i * PANEL_WIDTH, s, (g * ATTENTION_ROWS + i) * ld + vectorEnd, tail);
            }
        }
    }

    /** Positions (scores) or value dims (outputs) per accumulator row: two vectors. */
    private static final int PANEL_WIDTH = 2 * F.length();

    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);

    /** The calling thread's panel of at least {@code size} floats, grown ahead to amortise a lengthening sequence. */
    private static float[] panel(int size) {
        float[] p = PANEL.get();
        if (p.length < size) {
            p = new float[2 * size];
            PANEL.set(p);
        }
        return p;
    }

    private static void copyPanelRow(float[] src, int off, float[] panel, int panelOff) {
        FloatVector.fromArray(F, src, off).intoArray(panel, panelOff);
        FloatVector.fromArray(F, src, off + F.length()).intoArray(panel, panelOff + F.length());
    }

    /** One group of ATTENTION_ROWS query rows (from qOff) times PANEL_WIDTH positions of keys (from kOff). */
    private static void scoresGroup(float[] q, int qOff, int dims, float[] k, int kOff, int kStride, float[] s, int sOff, int ld) {
        int len = F.length();
        var a0 = FloatVector.zero(F);
        var a1 = a0;
        var b0 = a0;
        var b1 = a0;
        var c0 = a0;
        var c1 = a0;
        var d0 = a0;
        var d1 = a0;
        for (int d = 0; d < dims; d++) {
            int kd = kOff + d * kStride;
            var k0 = FloatVector.fromArray(F, k, kd);
            var k1 = FloatVector.fromArray(F, k, kd + len);
            int qd = qOff + d * ATTENTION_ROWS;
            var qa = FloatVector.broadcast(F, q[qd]);
            a0 = k0.fma(qa, a0);
            a1 = k1.fma(qa, a1);
            var qb = FloatVector.broadcast(F, q[qd + 1]);
            b0 = k0.fma(qb, b0);
            b1 = k1.fma(qb, b1);
            var qc = FloatVector.broadcast(F, q[qd + 2]);
            c0 = k0.fma(qc, c0);
            c1 = k1.fma(qc, c1);
            var qe = FloatVector.broadcast(F, q[qd + 3]);
            d0 = k0.fma(qe, d0);
            d1 = k1.fma(qe, d1);
        }
        // Four rows of two vectors, written out rather than passed to a helper (decision 0016).
        a0.intoArray(s, sOff);
        a1.intoArray(s, sOff + len);
        b0.intoArray(s, sOff + ld);
        b1.intoArray(s, sOff + ld + len);
        c0.intoArray(s, sOff + 2 * ld);
        c1.intoArray(s, sOff + 2 * ld + len);
        d0.intoArray(s, sOff + 3 * ld);
        d1.intoArray(s, sOff + 3 * ld + len);
    }

    /**
     * The attention output of a block of query rows: {@code out[r * width + j] = sum_t p[r * ld + t] *
     * v[vOff + t * vStride + j]} for j < width, over positions t < positions (v position-major, as KvCache keeps
     * values), for r below rows rounded up to {@link #ATTENTION_ROWS}. Blocked like {@link #attentionScores}: each
     * value vector is loaded once for a group of rows.
     */
    public static void attentionValues(float[] p, int ld, int rows, int positions, float[] v, int vOff, int vStride,
                                       int width, float[] out) {
        int groups = (rows + ATTENTION_ROWS - 1) / ATTENTION_ROWS;
        int vectorEnd = width - width % PANEL_WIDTH;
        boolean pack = groups > 1;
        float[] panel = pack ? panel(positions * PANEL_WIDTH) : null;
        for (int j = 0; j < vectorEnd; j += PANEL_WIDTH) {
            float[] src = v;
            int off = vOff + j;
            int stride = vStride;
            if (pack) { // as in attentionScores: one contiguous panel for all groups
                for (int t = 0; t < positions; t++) copyPanelRow(v, vOff + t * vStride + j, panel, t * PANEL_WIDTH);
                src = panel;
                off = 0;
                stride = PANEL_WIDTH;
            }
            for (int g = 0; g < groups; g++) valuesGroup(p, g * ATTENTION_ROWS * ld, ld, positions, src, off, stride, out, g * ATTENTION_ROWS * width + j, width);
        }
        if (vectorEnd == width) return;
        for (int r = 0; r < groups * ATTENTION_ROWS; r++) {
            java.util.Arrays.fill(out, r * width + vectorEnd, (r + 1) * width, 0f);
            for (int t = 0; t < positions; t++) {
                axpy(p[r * ld + t], v, vOff + t * vStride + vectorEnd, out, r * width + vectorEnd, width - vectorEnd);
            }
        }
    }

    /**
     * One group of ATTENTION_ROWS probability rows (from pOff) times PANEL_WIDTH value dims (from vOff). The same
     * outer product as scoresGroup with other strides; one shared method with stride parameters measured 30% slower
     * (too large to inline into both callers, so its strides stay variables and its bounds checks in the loop).
     */
    private static void valuesGroup(float[] p, int pOff, int ld, int positions, float[] v, int vOff, int vStride,
                                    float[] out, int outOff, int width) {
        int len = F.length();
        var a0 = FloatVector.zero(F);
        var a1 = a0;
        var b0 = a0;
        var b1 = a0;
        var c0 = a0;
        var c1 = a0;
        var d0 = a0;
        var d1 = a0;
        for (int t = 0; t < positions; t++) {
            int vt = vOff + t * vStride;
            var v0 = FloatVector.fromArray(F, v, vt);
            var v1 = FloatVector.fromArray(F, v, vt + len);
            var pa = FloatVector.broadcast(F, p[pOff + t]);
            a0 = v0.fma(pa, a0);
            a1 = v1.fma(pa, a1);
            var pb = FloatVector.broadcast(F, p[pOff + ld + t]);
            b0 = v0.fma(pb, b0);
            b1 = v1.fma(pb, b1);
            var pc = FloatVector.broadcast(F, p[pOff + 2 * ld + t]);
            c0 = v0.fma(pc, c0);
            c1 = v1.fma(pc, c1);
            var pd = FloatVector.broadcast(F, p[pOff + 3 * ld + t]);
            d0 = v0.fma(pd, d0);
            d1 = v1.fma(pd, d1);
        }
        // Four rows of two vectors, written out rather than passed to a helper (decision 0016).
        a0.intoArray(out, outOff);
        a1.intoArray(out, outOff + len);
        b0.intoArray(out, outOff + width);
        b1.intoArray(out, outOff + width + len);
        c0.intoArray(out, outOff + 2 * width);
        c1.intoArray(out, outOff + 2 * width + len);
        d0.intoArray(out, outOff + 3 * width);
        d1.intoArray(out, outOff + 3 * width + len);
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float silu(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }

    /** log(1 + e^x), as ggml_softplus computes it: x itself above 20, where the rest is below float precision. */
    public static float softplus(float x) {
        return x > 20f ? x : (float) Math.log1p(Math.exp(x));
    }

    /** {@code x *= scale} over n floats. */
    public static void scale(float[] x, int off, int n, float scale) {
        int i = 0;
        var s = FloatVector.broadcast(F, scale);
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] *= scale;
    }

    /**
     * {@code gate[off, off + n) = silu(gate) * up}, silu(x) = x / (1 + e^-x), in vectors, the last partial vector
     * under a mask, so every element goes through the same {@link #exp} wherever a caller splits the range. A scalar
     * Math.exp per element took several percent of a prompt on its own.
     */
    public static void swiglu(float[] gate, float[] up, int off, int n) {
        siluTimes(gate, up, gate, off, n);
    }

    /**
     * Calls of the activation loops that take the scalar form of the same arithmetic (bit for bit) before the vector
     * form. The first forward pass runs in the interpreter, where Vector API code costs an object per operation: the
     * vector SwiGLU alone added about 0.5 s to the first token. Counted without synchronisation on purpose.
     */
    private static final int SCALAR_CALLS = 256;
    private static int activationCalls;

    private static boolean warmingUp() {
        if (activationCalls >= SCALAR_CALLS) return false;
        activationCalls++;
        return true;
    }

    /** {@code dst[off, off + n) = silu(s) * m}. */
    private static void siluTimes(float[] s, float[] m, float[] dst, int off, int n) {
        if (warmingUp()) {
            for (int i = off; i < off + n; i++) dst[i] = siluExact(s[i]) * m[i];
            return;
        }
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            siluOf(FloatVector.fromArray(F, s, off + i)).mul(FloatVector.fromArray(F, m, off + i)).intoArray(dst, off + i);
        }
        if (i < n) {
            var mask = F.indexInRange(i, n);
            siluOf(FloatVector.fromArray(F, s, off + i, mask)).mul(FloatVector.fromArray(F, m, off + i, mask))
                    .intoArray(dst, off + i, mask);
        }
    }

    /** {@code x[off, off + n) = silu(x)} in vectors. */
    public static void silu(float[] x, int off, int n) {
        if (warmingUp()) {
            for (int i = off; i < off + n; i++) x[i] = siluExact(x[i]);
            return;
        }
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            siluOf(FloatVector.fromArray(F, x, off + i)).intoArray(x, off + i);
        }
        if (i < n) {
            var m = F.indexInRange(i, n);
            siluOf(FloatVector.fromArray(F, x, off + i, m)).intoArray(x, off + i, m);
        }
    }

    /** {@code x[off, off + n) *= silu(z[off, off + n))} in vectors. */
    public static void mulSilu(float[] x, float[] z, int off, int n) {
        siluTimes(z, x, x, off, n);
    }

    /** {@code x[off, off + n) *= sigmoid(g[off, off + n))} in vectors. */
    public static void mulSigmoid(float[] x, float[] g, int off, int n) {
        if (warmingUp()) {
            for (int i = off; i < off + n; i++) x[i] = x[i] / (exp(-g[i]) + 1f);
            return;
        }
        int i = 0;
        for (int upper = F.loopBound(n); i < upper; i += F.length()) {
            var e = exp(FloatVector.fromArray(F, g, off + i).neg());
            FloatVector.fromArray(F, x, off + i).div(e.add(1f)).intoArray(x, off + i);
        }
        if (i < n) {
            var m = F.indexInRange(i, n);
            var e = exp(FloatVector.fromArray(F, g, off + i, m).neg());
            FloatVector.fromArray(F, x, off + i, m).div(e.add(1f)).intoArray(x, off + i, m);
        }
    }

    /** silu through {@link #exp(float)}: the same bits as the vector form. */
    private static float siluExact(float x) {
        return x / (exp(-x) + 1f);
    }

    private static FloatVector siluOf(FloatVector x) {
        return x.div(exp(x.neg()).add(1f));
    }

    private static final float LOG2E = 1.44269504f;
    /** ln 2 in two parts: the first has few mantissa bits, so n * LN2_HI is exact for the n that occur. */
    private static final float LN2_HI = 0.693145752f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;

    /** {@link #exp(FloatVector)} for one float, the same operations in the same order: the same bits. */
    static float exp(float x) {
        float xc = Math.min(Math.max(x, -87.3f), 88.3f);
        float n = xc * LOG2E + ROUND - ROUND;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, 1f / 5040, 1f / 720);
        p = Math.fma(p, r, 1f / 120);
        p = Math.fma(p, r, 1f / 24);
        p = Math.fma(p, r, 1f / 6);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        float pow2n = Float.intBitsToFloat(((int) n << 23) + 0x3F80_0000);
        if (x < -87.3f) return 0f;
        if (x > 88.3f) return Float.POSITIVE_INFINITY;
        return p * pow2n;
    }

    /**
     * e^x lane-wise from plain IEEE arithmetic. The Vector API's EXP is an SVML call once C2 compiles the caller but
     * a Math.exp per lane before that, so the same prompt gave other bits before and after warm-up; this gives the
     * same bits in every tier. x = n ln2 + r with |r| <= ln2 / 2; e^r by its Taylor series to r^7 (relative error
     * below 1e-8, under the float rounding); 2^n written into the exponent bits. Below -87.3 the result is 0 (no
     * subnormals), above 88.3 infinity.
     */
    static FloatVector exp(FloatVector x) {
        var xc = x.max(-87.3f).min(88.3f);
        var n = xc.mul(LOG2E).add(ROUND).sub(ROUND);
        var s = x.species();
        var r = n.fma(FloatVector.broadcast(s, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(s, -LN2_LO), r);
        var p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, FloatVector.broadcast(s, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(s, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(s, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(s, 0.5f));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        var pow2n = ((IntVector) n.convert(VectorOperators.F2I, 0)).lanewise(VectorOperators.LSHL, 23)
                .add(0x3F80_0000).reinterpretAsFloats();
        return p.mul(pow2n)
                .blend(0f, x.compare(VectorOperators.LT, -87.3f))
                .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.3f));
    }

    /**
     * cos and sin of {@code pos * freqBase^(-2i / nRot)} for i below nRot / 2, the angle advanced by ggml's recurrence
     * ({@code theta *= theta_scale} in float; ggml_rope_ext, mode NEOX, no scaling). Computed once per position and
     * shared by all its heads, which computed them again per head before (decision 0012).
     */
    public static void ropeAngles(int nRot, int pos, float freqBase, float[] cos, float[] sin) {
        float thetaScale = (float) Math.pow(freqBase, -2.0f / nRot);
        float theta = pos;
        for (int i = 0, half = nRot / 2; i < half; i++) {
            cos[i] = (float) Math.cos(theta);
            sin[i] = (float) Math.sin(theta);
            theta *= thetaScale;
        }
    }

    /**
     * NeoX RoPE of the head at {@code off}: pairs (i, i + nRot/2) for i < nRot/2 rotated by the angles of
     * {@link #ropeAngles}, dims from nRot on untouched. A plain loop: 64 pairs are too few to gain from vectors,
     * and in the interpreter, where a prompt's first forward pass runs, vector code costs an object per operation.
     */
    public static void ropeNeox(float[] x, int off, int nRot, float[] cos, float[] sin) {
        int half = nRot / 2;
        for (int i = 0; i < half; i++) {
            float a = x[off + i];
            float b = x[off + i + half];
            x[off + i] = a * cos[i] - b * sin[i];
            x[off + i + half] = a * sin[i] + b * cos[i];
        }
    }

    public static float fp16ToFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /** Round-to-nearest-even, as ggml_compute_fp32_to_fp16 and the F16C instruction do. */
    public static short floatToFp16(float f) {
        return Float.floatToFloat16(f);
    }

    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /** ggml_compute_fp32_to_bf16: NaN becomes a quiet NaN, otherwise round to nearest even. */
    public static short floatToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) ((u >>> 16) | 64);
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }
}
