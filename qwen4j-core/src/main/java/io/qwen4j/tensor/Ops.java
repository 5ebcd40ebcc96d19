package io.qwen4j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
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

    /** {@code gate = silu(gate) * up}, silu(x) = x / (1 + e^-x). */
    public static void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = (float) (g / (1.0 + Math.exp(-g))) * up[i];
        }
    }

    /**
     * NeoX rotary embedding of one head: pairs (i, i + nRot/2) for i < nRot/2, dims from nRot on untouched.
     * As ggml_rope_ext (mode NEOX, no scaling) computes it: theta_i = pos * base^(-2i/nRot), built by repeated
     * float multiplication with theta_scale = powf(base, -2/nRot).
     */
    public static void ropeNeox(float[] x, int off, int nRot, int pos, float freqBase) {
        int half = nRot / 2;
        float thetaScale = (float) Math.pow(freqBase, -2.0f / nRot);
        float theta = pos;
        for (int i = 0; i < half; i++) {
            float cos = (float) Math.cos(theta);
            float sin = (float) Math.sin(theta);
            float a = x[off + i];
            float b = x[off + i + half];
            x[off + i] = a * cos - b * sin;
            x[off + i + half] = a * sin + b * cos;
            theta *= thetaScale;
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
