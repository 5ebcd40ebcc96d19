package io.qwen4j.tensor;

import java.nio.ByteBuffer;

/**
 * Encoders of the K-quant super-block types (256 elements per block), byte-identical to ggml's reference
 * quantizers in ggml-quants.c ({@code quantize_row_q4_K_ref}, {@code quantize_row_q5_K_ref},
 * {@code quantize_row_q6_K_ref}), which llama-quantize uses when no importance matrix is given. Every float
 * operation is done in float, in the C code's order: ggml-base is compiled without FMA contraction, so the same
 * sequence of IEEE single operations gives the same bits.
 */
final class KQuants {
    private KQuants() {}

    static final int QK_K = 256;
    private static final float GROUP_MAX_EPS = 1e-15f;

    /** ggml's nearest_int: round half to even by the magic-number trick (valid for |x| <= 2^22, as ggml asserts). */
    static int nearestInt(float x) {
        float v = x + 12582912.f;
        return (Float.floatToRawIntBits(v) & 0x007fffff) - 0x00400000;
    }

    /** block_q4_K: fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes of 4-bit quants. */
    static void quantizeQ4K(float[] x, int from, int to, ByteBuffer out) {
        quantizeQ45K(x, from, to, out, 15, -1.f, 20);
    }

    /** block_q5_K: as Q4_K plus 32 bytes of fifth bits between the scales and the low nibbles. */
    static void quantizeQ5K(float[] x, int from, int to, ByteBuffer out) {
        quantizeQ45K(x, from, to, out, 31, -0.5f, 15);
    }

    /** The common body of quantize_row_q4_K_ref and quantize_row_q5_K_ref (they differ in nmax, rmin, nstep and the packing). */
    private static void quantizeQ45K(float[] x, int from, int to, ByteBuffer out, int nmax, float rmin, int nstep) {
        byte[] levels = new byte[QK_K];
        byte[] aux = new byte[32];
        float[] weights = new float[32];
        float[] mins = new float[QK_K / 32];
        float[] scales = new float[QK_K / 32];
        float[] theMin = new float[1];
        byte[] packedScales = new byte[12];
        for (int b = from; b < to; b += QK_K) {
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < QK_K / 32; j++) {
                int o = b + 32 * j;
                float sumX2 = 0;
                for (int l = 0; l < 32; l++) sumX2 += x[o + l] * x[o + l];
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[o + l]);
                scales[j] = makeQkx2Quants(32, nmax, x, o, weights, levels, 32 * j, theMin, aux, rmin, 0.1f, nstep);
                mins[j] = theMin[0];
                if (scales[j] > maxScale) maxScale = scales[j];
                if (mins[j] > maxMin) maxMin = mins[j];
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            java.util.Arrays.fill(packedScales, (byte) 0);
            for (int j = 0; j < QK_K / 32; j++) {
                int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF); // uint8_t, then MIN(63, .)
                int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    packedScales[j] = (byte) ls;
                    packedScales[j + 4] = (byte) lm;
                } else {
                    packedScales[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                    packedScales[j - 4] |= (byte) ((ls >> 4) << 6);
                    packedScales[j] |= (byte) ((lm >> 4) << 6);
                }
            }
            short d = Ops.floatToFp16(maxScale / 63.f);
            short dmin = Ops.floatToFp16(maxMin / 63.f);
            for (int j = 0; j < QK_K / 32; j++) {
                int sc = scaleK4(j, packedScales);
                int m = minK4(j, packedScales);
                float dj = Ops.fp16ToFloat(d) * sc;
                if (dj == 0) continue; // keeps the levels of make_qkx2_quants, as ggml does
                float dm = Ops.fp16ToFloat(dmin) * m;
                for (int i = 0; i < 32; i++) {
                    int l = nearestInt((x[b + 32 * j + i] + dm) / dj);
                    levels[32 * j + i] = (byte) Math.max(0, Math.min(nmax, l));
                }
            }
            out.putShort(d).putShort(dmin).put(packedScales);
            if (nmax == 15) {
                for (int j = 0; j < QK_K; j += 64) {
                    for (int l = 0; l < 32; l++) out.put((byte) (levels[j + l] | (levels[j + l + 32] << 4)));
                }
            } else {
                byte[] qh = new byte[QK_K / 8];
                byte[] ql = new byte[QK_K / 2];
                int m1 = 1;
                int m2 = 2;
                for (int n = 0, q = 0; n < QK_K; n += 64, q += 32) {
                    for (int j = 0; j < 32; j++) {
                        int l1 = levels[n + j];
                        if (l1 > 15) {
                            l1 -= 16;
                            qh[j] |= (byte) m1;
                        }
                        int l2 = levels[n + j + 32];
                        if (l2 > 15) {
                            l2 -= 16;
                            qh[j] |= (byte) m2;
                        }
                        ql[q + j] = (byte) (l1 | (l2 << 4));
                    }
                    m1 <<= 2;
                    m2 <<= 2;
                }
                out.put(qh).put(ql);
            }
        }
    }

    /** get_scale_min_k4: the 6-bit scale of sub-block j. */
    static int scaleK4(int j, byte[] q) {
        return j < 4 ? q[j] & 63 : (q[j + 4] & 0xF) | (((q[j - 4] & 0xFF) >> 6) << 4);
    }

    /** get_scale_min_k4: the 6-bit min of sub-block j. */
    static int minK4(int j, byte[] q) {
        return j < 4 ? q[j + 4] & 63 : ((q[j + 4] & 0xFF) >> 4) | (((q[j] & 0xFF) >> 6) << 4);
    }

    /**
     * make_qkx2_quants: levels L in [0, nmax] and a scale and (negated) min for x[o .. o+n), the affine fit that
     * minimises the weighted squared error over nstep+1 trial scales around nmax/(max-min).
     */
    private static float makeQkx2Quants(int n, int nmax, float[] x, int o, float[] weights, byte[] levels, int lo,
                                        float[] theMin, byte[] aux, float rmin, float rdelta, int nstep) {
        float min = x[o];
        float max = x[o];
        float sumW = weights[0];
        float sumX = sumW * x[o];
        for (int i = 1; i < n; i++) {
            if (x[o + i] < min) min = x[o + i];
            if (x[o + i] > max) max = x[o + i];
            float w = weights[i];
            sumW += w;
            sumX += w * x[o + i];
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) levels[lo + i] = 0;
            theMin[0] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        float[] shifted = new float[n]; // x - min as C recomputes it in every trial (min moves with the best fit)
        for (int i = 0; i < n; i++) shifted[i] = x[o + i] - min;
        for (int i = 0; i < n; i++) {
            int l = Math.max(0, Math.min(nmax, nearestInt(iscale * shifted[i])));
            levels[lo + i] = (byte) l;
            float diff = scale * l + min - x[o + i];
            bestError += weights[i] * (diff * diff);
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * shifted[i])));
                aux[i] = (byte) l;
                float wl = weights[i] * l; // C's w*l*l and w*l*x[i] both start with this product
                sumL += wl;
                sumL2 += wl * l;
                sumXL += wl * x[o + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[o + i];
                    curError += weights[i] * (diff * diff);
                }
                if (curError < bestError) {
                    System.arraycopy(aux, 0, levels, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                    for (int i = 0; i < n; i++) shifted[i] = x[o + i] - min;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }

    /** block_q6_K: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8 scales, fp16 d. */
    static void quantizeQ6K(float[] x, int from, int to, ByteBuffer out) {
        byte[] levels = new byte[QK_K];
        float[] scales = new float[QK_K / 16];
        byte[] ql = new byte[QK_K / 2];
        byte[] qh = new byte[QK_K / 4];
        byte[] sc = new byte[QK_K / 16];
        for (int b = from; b < to; b += QK_K) {
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < QK_K / 16; ib++) {
                float scale = makeQxQuants(16, 32, x, b + 16 * ib, levels, 16 * ib);
                scales[ib] = scale;
                float abs = Math.abs(scale);
                if (abs > maxAbsScale) {
                    maxAbsScale = abs;
                    maxScale = scale;
                }
            }
            if (maxAbsScale < GROUP_MAX_EPS) { // an all-zero block, d = +0
                out.put(new byte[GgmlType.Q6_K.blockBytes]);
                continue;
            }
            float iscale = -128.f / maxScale;
            short d = Ops.floatToFp16(1 / iscale);
            for (int ib = 0; ib < QK_K / 16; ib++) sc[ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            for (int j = 0; j < QK_K / 16; j++) {
                float dj = Ops.fp16ToFloat(d) * sc[j];
                if (dj == 0) continue;
                for (int i = 0; i < 16; i++) {
                    int l = nearestInt(x[b + 16 * j + i] / dj);
                    levels[16 * j + i] = (byte) (Math.max(-32, Math.min(31, l)) + 32);
                }
            }
            for (int j = 0, q = 0, h = 0; j < QK_K; j += 128, q += 64, h += 32) {
                for (int l = 0; l < 32; l++) {
                    int q1 = levels[j + l] & 0xF;
                    int q2 = levels[j + l + 32] & 0xF;
                    int q3 = levels[j + l + 64] & 0xF;
                    int q4 = levels[j + l + 96] & 0xF;
                    ql[q + l] = (byte) (q1 | (q3 << 4));
                    ql[q + l + 32] = (byte) (q2 | (q4 << 4));
                    qh[h + l] = (byte) ((levels[j + l] >> 4) | ((levels[j + l + 32] >> 4) << 2)
                            | ((levels[j + l + 64] >> 4) << 4) | ((levels[j + l + 96] >> 4) << 6));
                }
            }
            out.put(ql).put(qh).put(sc).putShort(d);
        }
    }

    /**
     * make_qx_quants with rmse_type 1 and no importance weights (weights x^2): symmetric levels in [0, 2*nmax)
     * for x[o .. o+n) and the scale, the best of 19 trial scales around -nmax/max.
     */
    private static float makeQxQuants(int n, int nmax, float[] x, int o, byte[] levels, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[o + i]);
            if (ax > amax) {
                amax = ax;
                max = x[o + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) levels[lo + i] = 0;
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumLX = 0;
        float sumL2 = 0;
        // the weights x^2 and the products w*x, computed once: the same floats every trial recomputes in C
        float[] w = new float[n];
        float[] wx = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = x[o + i] * x[o + i];
            wx[i] = w[i] * x[o + i];
        }
        for (int i = 0; i < n; i++) {
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[o + i])));
            levels[lo + i] = (byte) (l + nmax);
            sumLX += wx[i] * l;
            sumL2 += w[i] * l * l;
        }
        float scale = sumL2 != 0 ? sumLX / sumL2 : 0.0f;
        float best = scale * sumLX;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            iscale = -(nmax + 0.1f * is) / max;
            sumLX = 0;
            sumL2 = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestInt(iscale * x[o + i])));
                sumLX += wx[i] * l;
                sumL2 += w[i] * l * l;
            }
            if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
                for (int i = 0; i < n; i++) {
                    int l = nearestInt(iscale * x[o + i]);
                    levels[lo + i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
                }
                scale = sumLX / sumL2;
                best = scale * sumLX;
            }
        }
        return scale;
    }
}
