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
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0"})
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
        byte[] bytes = Quantizer.quantize(t, w);
        arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(bytes.length, 64);
        MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, 0, bytes.length);
        matrix = Matrix.of(t, seg, ROWS, COLS);
        pool = new Parallel(threads);
        x = new float[batch * COLS];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        y = new float[batch * ROWS];
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
