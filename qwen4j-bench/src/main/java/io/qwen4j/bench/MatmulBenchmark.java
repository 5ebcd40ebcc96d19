package io.qwen4j.bench;

import io.qwen4j.tensor.GgmlType;
import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Parallel;
import io.qwen4j.tensor.Quantizer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Qwen3-0.6B-sized projection (ffn_up: 3072 x 1024) per call, for every supported type: decode (batch 1,
 * matrix-vector) and prompt processing (batch 64). Weights live off-heap like a mapped file.
 * Run: {@code java --add-modules jdk.incubator.vector -jar qwen4j-bench/target/qwen4j-bench.jar MatmulBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatmulBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_NL", "IQ4_XS", "MXFP4"})
    public String type;

    @Param({"1", "64"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private static final int ROWS = 3072;
    private static final int COLS = 1024;

    private Arena arena;
    private Matrix matrix;
    private Parallel pool;
    private float[] x;
    private float[] y;

    @Setup(Level.Trial)
    public void setUp() {
        var rng = new SplittableRandom(1);
        float[] w = new float[ROWS * COLS];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian() * 0.05f;
        GgmlType t = GgmlType.valueOf(type);
        byte[] bytes = encodable(t) ? Quantizer.quantize(t, w) : randomBlocks(t, rng);
        arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        matrix = Matrix.of(t, seg, ROWS, COLS);
        pool = new Parallel(threads);
        x = new float[batch * COLS];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        y = new float[batch * ROWS];
    }

    private static boolean encodable(GgmlType t) {
        return switch (t) {
            case F32, F16, BF16, Q8_0, Q4_0 -> true;
            default -> false;
        };
    }

    /**
     * Types Quantizer cannot encode get random bytes below 0x3c: every fp16 scale is then a small finite number and
     * every E8M0 scale a small power of two, so no value is infinite or NaN; decoding speed does not depend on the bits.
     */
    private static byte[] randomBlocks(GgmlType t, SplittableRandom rng) {
        byte[] bytes = new byte[(int) t.bytesFor((long) ROWS * COLS)];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) rng.nextInt(0x3c);
        return bytes;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        matrix.matmul(x, y, batch, pool);
        return y;
    }
}
