package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernels cast their segment to the JDK's off-heap segment class before reading it, so that C2 compiles the
 * reads without relying on the JDK's shared type profiles (decision 0016). These tests hold the two facts that makes
 * safe: the class is found on this JDK and covers mapped files and arena memory, and every matrix keeps its weights
 * off the heap whatever it was given. (The speed the cast protects is checked by {@code qwen4j bench
 * --stress-jdk-profiles}, not here.)
 */
class OffHeapWeightsTest {
    @TempDir
    Path dir;

    @Test
    void theOffHeapClassIsFoundAndCoversMappedFilesAndArenaMemoryButNotTheHeap() throws Exception {
        assertThat(Blocks.NATIVE_SEGMENT).isNotEqualTo(MemorySegment.class);
        Path file = Files.write(dir.resolve("w.bin"), new byte[4096]);
        try (var arena = Arena.ofConfined(); var ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096, arena);
            MemorySegment allocated = arena.allocate(64);
            assertThat(Blocks.offHeap(mapped)).isSameAs(mapped);
            assertThat(Blocks.offHeap(mapped.asSlice(34, 68))).isNotNull();
            assertThat(Blocks.offHeap(allocated)).isSameAs(allocated);
        }
        assertThatThrownBy(() -> Blocks.offHeap(MemorySegment.ofArray(new byte[8]))).isInstanceOf(ClassCastException.class);
    }

    @Test
    void everyMatrixKeepsItsWeightsOffTheHeapWithTheSameProducts() {
        int rows = 8;
        int cols = 256;
        var rng = new java.util.SplittableRandom(7);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rng.nextGaussian();
        for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            byte[] bytes = Quantizer.quantize(type, w);
            var m = (RowMatrix) Matrix.of(type, MemorySegment.ofArray(bytes), rows, cols);
            assertThat(m.data.isNative()).as("%s", type).isTrue();
            assertThat(m.data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).as("%s", type).isEqualTo(bytes);
            float[] y = new float[rows];
            m.matmul(x, y, 1, Parallel.CALLER);
            float[] expected = new float[rows];
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                m.dequantizeRow(r, row, 0);
                double sum = 0;
                for (int c = 0; c < cols; c++) sum += (double) row[c] * x[c];
                expected[r] = (float) sum;
            }
            for (int r = 0; r < rows; r++) {
                assertThat(y[r]).as("%s row %d", type, r).isCloseTo(expected[r], org.assertj.core.data.Offset.offset(1e-3f * (1 + Math.abs(expected[r]))));
            }
        }
    }
}
