package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlocksTest {
    /** The packed forms the K-quant kernels read must hold exactly get_scale_min_k4's eight pairs. */
    @Test
    void packedScalesAndMinsMatchTheScalarDecoder() {
        var rng = new SplittableRandom(7);
        for (int trial = 0; trial < 20_000; trial++) {
            int q0 = rng.nextInt(), q4 = rng.nextInt(), q8 = rng.nextInt();
            long scales = Blocks.scalesK4(q0, q4, q8), mins = Blocks.minsK4(q0, q4, q8);
            for (int j = 0; j < 8; j++) {
                int pair = Blocks.scaleMinK4(q0, q4, q8, j);
                assertThat((int) (scales >>> 8 * j) & 0xFF).as("scale %d", j).isEqualTo(pair & 0xFF);
                assertThat((int) (mins >>> 8 * j) & 0xFF).as("min %d", j).isEqualTo(pair >>> 8);
            }
        }
    }
}
