package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our decoders of the types read from ggml files (K-quants, legacy Q4_1/Q5_x, IQ4, MXFP4) give exactly ggml's
 * floats for random blocks, and the fused dot products of the decode path agree with them
 * (vectors: src/test/resources/tensor/README.md).
 */
class DequantizeGgmlIdentityTest {
    private static final int ELEMENTS = 2048;
    private static final int COLS = 1024;

    static byte[] blocks(GgmlType type) {
        try {
            return resource("dequant/" + type.name().toLowerCase() + ".blocks");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DequantizeGgmlIdentityTest.class.getResourceAsStream("/tensor/" + name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return in.readAllBytes();
        }
    }

    private static float[] expected(GgmlType type) throws IOException {
        var buf = ByteBuffer.wrap(resource("dequant/" + type.name().toLowerCase() + ".f32")).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[buf.remaining()];
        buf.get(out);
        return out;
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "MXFP4"})
    void dequantizesBitForBitLikeGgml(GgmlType type) throws IOException {
        float[] expected = expected(type);
        assertThat(expected).hasSize(ELEMENTS);
        Matrix m = Matrix.of(type, MemorySegment.ofArray(blocks(type)), ELEMENTS / COLS, COLS);
        float[] actual = new float[ELEMENTS];
        for (int r = 0; r < m.rows(); r++) m.dequantizeRow(r, actual, r * COLS);
        for (int i = 0; i < ELEMENTS; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(type + ": element " + i + " (block " + i / type.blockSize + ", index " + i % type.blockSize
                        + ") is " + actual[i] + ", ggml gives " + expected[i]);
            }
        }
        assertThat(Quantizer.dequantize(type, MemorySegment.ofArray(blocks(type)), ELEMENTS)).containsExactly(expected);
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "MXFP4"})
    void decodeDotProductAgreesWithGgmlsValues(GgmlType type) throws IOException {
        float[] w = expected(type);
        Matrix m = Matrix.of(type, MemorySegment.ofArray(blocks(type)), ELEMENTS / COLS, COLS);
        var rng = new SplittableRandom(type.id);
        float[] x = new float[COLS];
        for (int i = 0; i < COLS; i++) x[i] = (float) rng.nextGaussian();
        float[] y = new float[m.rows()];
        try (var pool = new Parallel(1)) {
            m.matmul(x, y, 1, pool);
        }
        for (int r = 0; r < m.rows(); r++) {
            double ref = 0, mag = 0;
            for (int c = 0; c < COLS; c++) {
                double p = (double) w[r * COLS + c] * x[c];
                ref += p;
                mag += Math.abs(p);
            }
            assertThat((double) y[r]).as("%s row %d", type, r).isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag));
        }
    }
}
