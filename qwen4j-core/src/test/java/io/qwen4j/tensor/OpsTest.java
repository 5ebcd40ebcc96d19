package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class OpsTest {
    private final SplittableRandom rng = new SplittableRandom(3);

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rng.nextGaussian();
        return a;
    }

    @Test
    void rmsNormInPlaceAndWithoutWeight() {
        float[] x = random(67);
        float[] w = random(67);
        double ss = 0;
        for (float v : x) ss += v * v;
        double scale = 1 / Math.sqrt(ss / 67 + 1e-6);
        float[] expected = new float[67];
        for (int i = 0; i < 67; i++) expected[i] = (float) (x[i] * scale * w[i]);
        float[] noWeight = new float[67];
        Ops.rmsNorm(noWeight, 0, x, 0, null, 67, 1e-6f);
        Ops.rmsNorm(x, 0, x, 0, w, 67, 1e-6f);
        for (int i = 0; i < 67; i++) {
            assertThat(x[i]).isCloseTo(expected[i], offset(1e-5f));
            assertThat(noWeight[i] * w[i]).isCloseTo(expected[i], offset(1e-5f));
        }
    }

    @Test
    void softmaxHandlesLargeValuesAndMinusInfinity() {
        float[] x = {1000f, 999f, Float.NEGATIVE_INFINITY, 998f};
        Ops.softmax(x, 0, 4);
        double z = 1 + Math.exp(-1) + Math.exp(-2);
        assertThat(x[0]).isCloseTo((float) (1 / z), offset(1e-6f));
        assertThat(x[2]).isZero();
        assertThat(x[0] + x[1] + x[2] + x[3]).isCloseTo(1f, offset(1e-6f));
    }

    @Test
    void vectorizedSoftmaxAgreesWithSoftmaxOnEveryLengthAndOffset() {
        for (int n = 1; n <= 40; n++) {
            float[] x = random(n + 3);
            for (int i = 0; i < x.length; i++) x[i] *= 20;
            x[3 + n / 2] = Float.NEGATIVE_INFINITY;
            if (n == 1) x[3] = 5f;
            float[] expected = x.clone();
            Ops.softmax(expected, 3, n);
            Ops.softmaxVectorized(x, 3, n);
            for (int i = 0; i < x.length; i++) assertThat(x[i]).as("n=%d i=%d", n, i).isCloseTo(expected[i], offset(1e-6f));
        }
    }

    @Test
    void dotAxpyAddWithOddLengthsAndOffsets() {
        float[] a = random(50);
        float[] b = random(50);
        double dot = 0;
        for (int i = 0; i < 19; i++) dot += (double) a[3 + i] * b[5 + i];
        assertThat(Ops.dot(a, 3, b, 5, 19)).isCloseTo((float) dot, offset(1e-5f));
        float[] y = b.clone();
        Ops.axpy(0.5f, a, 1, y, 2, 21);
        Ops.add(y, 30, a, 0, 13);
        for (int i = 0; i < 50; i++) {
            float e = b[i];
            if (i >= 2 && i < 23) e += 0.5f * a[i - 1];
            if (i >= 30 && i < 43) e += a[i - 30];
            assertThat(y[i]).isCloseTo(e, offset(1e-6f));
        }
    }

    @Test
    void swiglu() {
        float[] g = {-2f, 0f, 3f};
        float[] u = {1f, 5f, 2f};
        Ops.swiglu(g, u, 0, 3);
        assertThat(g[0]).isCloseTo((float) (-2 / (1 + Math.exp(2))), offset(1e-6f));
        assertThat(g[1]).isZero();
        assertThat(g[2]).isCloseTo((float) (3 / (1 + Math.exp(-3)) * 2), offset(1e-5f));
    }

    @Test
    void vectorExpIsWithinTwoUlpsOfMathExpAndHandlesTheEdges() {
        int n = 200_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = -87f + 175f * i / n;
        float[] y = new float[n];
        var f = FloatVector.SPECIES_256;
        for (int i = 0; i < n; i += f.length()) Ops.exp(FloatVector.fromArray(f, x, i)).intoArray(y, i);
        for (int i = 0; i < n; i++) {
            float exact = (float) Math.exp(x[i]);
            assertThat(Math.abs(y[i] - exact)).as("exp(%s)", x[i]).isLessThanOrEqualTo(2 * Math.ulp(exact));
        }
        float[] edges = {0f, Float.NEGATIVE_INFINITY, -100f, Float.POSITIVE_INFINITY, 100f, Float.NaN, 1f, -1f};
        float[] out = new float[8];
        Ops.exp(FloatVector.fromArray(f, edges, 0)).intoArray(out, 0);
        assertThat(out[0]).isEqualTo(1f);
        assertThat(out[1]).isZero();
        assertThat(out[2]).isZero();
        assertThat(out[3]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(out[4]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(out[5]).isNaN();
        assertThat(out[6]).isCloseTo((float) Math.E, offset(1e-6f));
    }

    @Test
    void scalarExpGivesTheVectorFormsBits() {
        var f = FloatVector.SPECIES_256;
        float[] x = new float[8 * 20_000];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 200 - 100);
        float[] special = {0f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -87.3f, 88.3f, 1e-30f};
        System.arraycopy(special, 0, x, 0, special.length);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += f.length()) Ops.exp(FloatVector.fromArray(f, x, i)).intoArray(y, i);
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(Ops.exp(x[i]))).as("exp(%s)", x[i]).isEqualTo(Float.floatToRawIntBits(y[i]));
        }
    }

    @Test
    void activationsGiveTheSameBitsWhereverTheRangeIsSplit() {
        int n = 4 * 37 + 5;
        float[] g = random(n);
        float[] u = random(n);
        float[] whole = g.clone();
        Ops.swiglu(whole, u, 0, n);
        // Past the first calls, which take the scalar form, the vector form gives the same bits.
        for (int call = 0; call < 300; call++) {
            float[] again = g.clone();
            Ops.swiglu(again, u, 0, n);
            assertThat(again).containsExactly(whole);
        }
        float[] parts = g.clone();
        for (int at = 0; at < n; at += 37) Ops.swiglu(parts, u, at, Math.min(37, n - at));
        assertThat(parts).containsExactly(whole);
        for (int i = 0; i < n; i++) {
            assertThat(whole[i]).isCloseTo((float) (g[i] / (1 + Math.exp(-g[i])) * u[i]), offset(1e-5f));
        }
        float[] silu = g.clone();
        Ops.silu(silu, 3, n - 3);
        float[] gated = u.clone();
        Ops.mulSilu(gated, g, 3, n - 3);
        float[] sigmoid = u.clone();
        Ops.mulSigmoid(sigmoid, g, 3, n - 3);
        for (int i = 0; i < 3; i++) {
            assertThat(silu[i]).isEqualTo(g[i]);
            assertThat(gated[i]).isEqualTo(u[i]);
            assertThat(sigmoid[i]).isEqualTo(u[i]);
        }
        for (int i = 3; i < n; i++) {
            double s = 1 / (1 + Math.exp(-g[i]));
            assertThat(silu[i]).isCloseTo((float) (g[i] * s), offset(1e-6f));
            assertThat(gated[i]).isCloseTo((float) (u[i] * g[i] * s), offset(1e-5f));
            assertThat(sigmoid[i]).isCloseTo((float) (u[i] * s), offset(1e-6f));
        }
    }

    @Test
    void ropeWithSharedAnglesMatchesThePerHeadForm() {
        int nRot = 128;
        float[] cos = new float[nRot / 2];
        float[] sin = new float[nRot / 2];
        for (int pos : new int[] {0, 1, 511, 40_000}) {
            Ops.ropeAngles(nRot, pos, 1_000_000f, cos, sin);
            float[] x = random(nRot + 3);
            float[] y = x.clone();
            Ops.ropeNeox(y, 3, nRot, cos, sin);
            // The scalar form ggml computes: theta advanced by repeated float multiplication.
            float thetaScale = (float) Math.pow(1_000_000f, -2.0f / nRot);
            float theta = pos;
            for (int i = 0; i < nRot / 2; i++) {
                float c = (float) Math.cos(theta);
                float s = (float) Math.sin(theta);
                float a = x[3 + i];
                float b = x[3 + i + nRot / 2];
                assertThat(y[3 + i]).isEqualTo(a * c - b * s);
                assertThat(y[3 + i + nRot / 2]).isEqualTo(a * s + b * c);
                theta *= thetaScale;
            }
        }
    }

    @Test
    void ropeNeoxRotatesPairsHalfApartAndLeavesTheRest() {
        int headDim = 64;
        int nRot = 32;
        float base = 1_000_000f;
        int pos = 37;
        float[] x = random(headDim + 4);
        float[] y = x.clone();
        float[] cos = new float[nRot / 2];
        float[] sin = new float[nRot / 2];
        Ops.ropeAngles(nRot, pos, base, cos, sin);
        Ops.ropeNeox(y, 2, nRot, cos, sin);
        for (int i = 0; i < nRot / 2; i++) {
            double theta = pos * Math.pow(base, -2.0 * i / nRot);
            double a = x[2 + i];
            double b = x[2 + i + nRot / 2];
            assertThat(y[2 + i]).isCloseTo((float) (a * Math.cos(theta) - b * Math.sin(theta)), offset(2e-4f));
            assertThat(y[2 + i + nRot / 2]).isCloseTo((float) (a * Math.sin(theta) + b * Math.cos(theta)), offset(2e-4f));
        }
        for (int i = nRot; i < headDim; i++) assertThat(y[2 + i]).isEqualTo(x[2 + i]);
        assertThat(y[0]).isEqualTo(x[0]);
        assertThat(y[1]).isEqualTo(x[1]);
    }

    @Test
    void halfAndBrainFloatConversions() {
        assertThat(Ops.floatToFp16(65504f)).isEqualTo((short) 0x7bff);
        assertThat(Ops.floatToFp16(65520f)).isEqualTo((short) 0x7c00); // rounds to infinity
        assertThat(Ops.floatToFp16(5.96e-8f)).isEqualTo((short) 0x0001); // smallest subnormal
        assertThat(Ops.fp16ToFloat((short) 0x3555)).isCloseTo(1 / 3f, offset(1e-4f));
        assertThat(Ops.floatToBf16(1f)).isEqualTo((short) 0x3f80);
        assertThat(Ops.floatToBf16(Float.intBitsToFloat(0x3f808000))).isEqualTo((short) 0x3f80); // tie to even
        assertThat(Ops.floatToBf16(Float.intBitsToFloat(0x3f818000))).isEqualTo((short) 0x3f82); // tie to even (up)
        assertThat(Float.isNaN(Ops.bf16ToFloat(Ops.floatToBf16(Float.NaN)))).isTrue();
        assertThat(Ops.bf16ToFloat(Ops.floatToBf16(Float.NEGATIVE_INFINITY))).isEqualTo(Float.NEGATIVE_INFINITY);
    }
}
