package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every matmul path (decode, short batch, tiled batch; 1 and 2 threads) against a double-precision reference. */
class MatrixReferenceTest {
    private static final Parallel ONE = new Parallel(1);
    private static final Parallel TWO = new Parallel(2);

    @AfterAll
    static void close() {
        ONE.close();
        TWO.close();
    }

    static Stream<Arguments> cases() {
        var out = Stream.<Arguments>builder();
        for (GgmlType t : Matrix.SUPPORTED) {
            for (int[] shape : new int[][] {{1, 32}, {7, 64}, {37, 96}, {300, 160}, {5, 4096}, {3, 256}, {37, 512}, {130, 768}}) {
                if (shape[1] % t.blockSize != 0) continue;
                // 10 and 30 take AVX2's narrow tiling (groups of 16 batch columns), 17 and 70 the wide one (24)
                for (int batch : new int[] {1, 3, 10, 17, 30, 70}) {
                    out.add(Arguments.of(t, shape[0], shape[1], batch));
                }
            }
        }
        return out.build();
    }

    /** The types Quantizer encodes; the others are tested on ggml-made blocks (DequantizeGgmlIdentityTest's vectors). */
    private static final java.util.Set<GgmlType> QUANTIZABLE = java.util.EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0);

    /** {@code elements} worth of the type's test-vector blocks, repeated as often as needed. */
    private static byte[] ggmlBlocks(GgmlType type, int elements) {
        byte[] blocks = DequantizeGgmlIdentityTest.blocks(type);
        byte[] out = new byte[(int) type.bytesFor(elements)];
        for (int i = 0; i < out.length; i += blocks.length) System.arraycopy(blocks, 0, out, i, Math.min(blocks.length, out.length - i));
        return out;
    }

    @ParameterizedTest(name = "{0} {1}x{2} batch {3}")
    @MethodSource("cases")
    void matmulMatchesTheReference(GgmlType type, int rows, int cols, int batch) {
        var rng = new SplittableRandom(rows * 31L + cols * 7L + batch);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        MemorySegment data = MemorySegment.ofArray(QUANTIZABLE.contains(type) ? Quantizer.quantize(type, w) : ggmlBlocks(type, rows * cols));
        float[] exact = Quantizer.dequantize(type, data, w.length);
        float[] x = new float[batch * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        Matrix m = Matrix.of(type, data, rows, cols);
        assertThat(m.type()).isEqualTo(type);
        for (Parallel pool : new Parallel[] {ONE, TWO}) {
            float[] y = new float[batch * rows];
            m.matmul(x, y, batch, pool);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    double ref = 0, mag = 0;
                    for (int c = 0; c < cols; c++) {
                        double p = (double) exact[r * cols + c] * x[b * cols + c];
                        ref += p;
                        mag += Math.abs(p);
                    }
                    assertThat((double) y[b * rows + r]).as("%s row %d batch row %d, %d threads", type, r, b, pool.threads())
                            .isCloseTo(ref, org.assertj.core.data.Offset.offset(1e-5 * mag + 1e-6));
                }
            }
        }
        float[] row = new float[cols];
        m.dequantizeRow(rows - 1, row, 0);
        assertThat(row).containsExactly(java.util.Arrays.copyOfRange(exact, (rows - 1) * cols, rows * cols));
    }

    /**
     * From 8 batch rows on, a row's products do not depend on how many rows share the batch: every tiling pads with
     * zero columns and sums each product over the same column chunks in the same order, so a prompt's token gets the
     * same bits whichever tiling its batch size picks (narrow or wide groups, one group or several).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiledTypes")
    void batchedProductsDoNotDependOnTheBatchSize(GgmlType type) {
        int rows = 37, cols = 512, most = 72;
        var rng = new SplittableRandom(11);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        MemorySegment data = MemorySegment.ofArray(QUANTIZABLE.contains(type) ? Quantizer.quantize(type, w) : ggmlBlocks(type, rows * cols));
        Matrix m = Matrix.of(type, data, rows, cols);
        float[] x = new float[most * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] all = new float[most * rows];
        m.matmul(x, all, most, TWO);
        for (int batch : new int[] {8, 10, 16, 24, 30, 48, 64}) {
            float[] y = new float[batch * rows];
            m.matmul(java.util.Arrays.copyOf(x, batch * cols), y, batch, ONE);
            assertThat(y).as("%s batch %d", type, batch).containsExactly(java.util.Arrays.copyOf(all, batch * rows));
        }
    }

    /**
     * Decode pairs rows from the two halves of each thread's range (decision 0014), so which rows share a pair kernel
     * depends on the thread count; every row must still get the single-row kernel's sum. Not compared bit for bit:
     * the Vector API sums a vector's lanes in another order in compiled code than in the interpreter, so a kernel's
     * last bits depend on whether C2 has compiled it yet. A pairing mistake (a row, scale or x offset of the other
     * row) is off by far more than that.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tiledTypes")
    void decodeProductsDoNotDependOnThePairing(GgmlType type) {
        int rows = 101, cols = 512; // large enough to be split over the threads, odd to leave a row unpaired
        var rng = new SplittableRandom(13);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        MemorySegment data = MemorySegment.ofArray(QUANTIZABLE.contains(type) ? Quantizer.quantize(type, w) : ggmlBlocks(type, rows * cols));
        var m = (RowMatrix) Matrix.of(type, data, rows, cols);
        float[] x = new float[cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[] single = new float[rows];
        for (int r = 0; r < rows; r++) single[r] = m.dotRow(r, x, 0, UnpackedRow.of(cols));
        try (var three = new Parallel(3)) {
            for (Parallel pool : new Parallel[] {ONE, TWO, three}) {
                float[] y = new float[rows];
                m.matmul(x, y, 1, pool);
                for (int r = 0; r < rows; r++) {
                    assertThat(y[r]).as("%s row %d, %d threads", type, r, pool.threads())
                            .isCloseTo(single[r], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(single[r]))));
                }
            }
        }
    }

    /** Products of one input through matmulAll (one range over all matrices' rows) equal each matrix's own. */
    @Test
    void matmulAllEqualsTheProductsOneByOne() {
        var rng = new SplittableRandom(17);
        int cols = 256;
        GgmlType[] types = {GgmlType.Q8_0, GgmlType.F16, GgmlType.Q4_0};
        int[] rows = {130, 67, 201};
        Matrix[] ms = new Matrix[types.length];
        for (int i = 0; i < ms.length; i++) {
            float[] w = new float[rows[i] * cols];
            for (int j = 0; j < w.length; j++) w[j] = (float) rng.nextGaussian();
            ms[i] = Matrix.of(types[i], MemorySegment.ofArray(Quantizer.quantize(types[i], w)), rows[i], cols);
        }
        for (int batch : new int[] {1, 3, 9}) {
            float[] x = new float[batch * cols];
            for (int j = 0; j < x.length; j++) x[j] = (float) rng.nextGaussian();
            float[][] together = new float[ms.length][];
            for (int i = 0; i < ms.length; i++) together[i] = new float[batch * rows[i]];
            Matrix.matmulAll(x, batch, TWO, ms, together);
            for (int i = 0; i < ms.length; i++) {
                float[] alone = new float[batch * rows[i]];
                ms[i].matmul(x, alone, batch, TWO);
                for (int j = 0; j < alone.length; j++) {
                    assertThat(together[i][j]).as("%s element %d, batch %d", types[i], j, batch)
                            .isCloseTo(alone[j], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(alone[j]))));
                }
            }
        }
    }

    static Stream<GgmlType> tiledTypes() {
        return Matrix.SUPPORTED.stream().filter(t -> 512 % t.blockSize == 0);
    }

    @Test
    void rejectsUnsupportedTypesAndWrongSizes() {
        assertThatThrownBy(() -> Matrix.of(GgmlType.IQ2_XXS, MemorySegment.ofArray(new byte[66]), 1, 256))
                .hasMessageContaining("IQ2_XXS is not supported").hasMessageContaining("Q4_K");
        assertThatThrownBy(() -> Matrix.of(GgmlType.Q8_0, MemorySegment.ofArray(new byte[33]), 1, 32))
                .hasMessageContaining("needs 34 bytes, got 33");
        assertThatThrownBy(() -> Matrix.of(GgmlType.Q4_0, MemorySegment.ofArray(new byte[18]), 1, 31))
                .hasMessageContaining("not a multiple of the block size 32");
    }

    @Test
    void halfConversionLoopEqualsTheScalarOneForEveryHalf() {
        byte[] halves = new byte[65536 * 2];
        for (int h = 0; h < 65536; h++) {
            halves[2 * h] = (byte) h;
            halves[2 * h + 1] = (byte) (h >> 8);
        }
        // off the heap, as every matrix keeps its weights (Matrix.of)
        var seg = java.lang.foreign.Arena.ofAuto().allocate(halves.length).copyFrom(MemorySegment.ofArray(halves));
        float[] floats = new float[65536];
        // enough rounds for C2 to compile (and vectorize) the loop, so both forms are checked
        for (int round = 0; round < 200; round++) {
            F16Matrix.halvesToFloats(seg, 0, floats, 0, 65536);
        }
        for (int h = 0; h < 65536; h++) {
            float expected = Float.float16ToFloat((short) h);
            if (Float.isNaN(expected)) assertThat(floats[h]).isNaN();
            else assertThat(Float.floatToRawIntBits(floats[h])).as("half 0x%04x", h).isEqualTo(Float.floatToRawIntBits(expected));
        }
    }
}
