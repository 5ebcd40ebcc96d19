package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlocksTest {
    /** get_scale_min_k4 (ggml-quants.c) as ggml writes it, one pair at a time: {@code scale | min << 8}. */
    private static int scaleMinK4(int q0, int q4, int q8, int j) {
        if (j < 4) {
            int s = 8 * j;
            return (q0 >>> s & 63) | (q4 >>> s & 63) << 8;
        }
        int s = 8 * (j - 4);
        int scale = (q8 >>> s & 0xF) | (q0 >>> s + 6 & 3) << 4;
        int min = (q8 >>> s + 4 & 0xF) | (q4 >>> s + 6 & 3) << 4;
        return scale | min << 8;
    }

    /** The scale table gives every half-precision bit pattern exactly as the JDK converts it, NaN payloads included. */
    @Test
    void halfTableMatchesTheJdkForEveryBitPattern() {
        var seg = java.lang.foreign.Arena.ofAuto().allocate(2);
        for (int h = 0; h < 1 << 16; h++) {
            seg.set(F16Matrix.LE, 0, (short) h);
            int expected = Float.floatToRawIntBits(Float.float16ToFloat((short) h));
            assertThat(Float.floatToRawIntBits(Blocks.half(seg, 0))).as("half %04x", h).isEqualTo(expected);
        }
    }

    /** The packed forms the K-quant kernels read must hold exactly get_scale_min_k4's eight pairs. */
    @Test
    void packedScalesAndMinsMatchTheScalarDecoder() {
        var rng = new SplittableRandom(7);
        for (int trial = 0; trial < 20_000; trial++) {
            int q0 = rng.nextInt(), q4 = rng.nextInt(), q8 = rng.nextInt();
            long scales = Blocks.scalesK4(q0, q4, q8), mins = Blocks.minsK4(q4, q8);
            for (int j = 0; j < 8; j++) {
                int pair = scaleMinK4(q0, q4, q8, j);
                assertThat((int) (scales >>> 8 * j) & 0xFF).as("scale %d", j).isEqualTo(pair & 0xFF);
                assertThat((int) (mins >>> 8 * j) & 0xFF).as("min %d", j).isEqualTo(pair >>> 8);
            }
        }
    }
}
