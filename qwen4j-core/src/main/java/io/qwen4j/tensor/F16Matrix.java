package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

final class F16Matrix extends RowMatrix implements Matrix {
    static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols * 2);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    /** Halves converted per step of a row's dot product: a buffer that stays in L1 next to x. */
    private static final int CHUNK = 512;
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /**
     * {@code n} halves from {@code seg} at {@code offset} to floats. A plain loop on purpose: C2 vectorizes it into
     * the CPU's half-to-float instruction (vcvtph2ps), which the Vector API has no operation for; the integer-lane
     * conversion it replaced took about ten instructions per vector and bound the F16 kernels on AVX2.
     */
    static void halvesToFloats(MemorySegment seg, long offset, float[] dst, int off, int n) {
        for (int i = 0; i < n; i++) dst[off + i] = Float.float16ToFloat(seg.get(LE, offset + 2L * i));
    }

    /** Converts the row a chunk at a time into a per-thread buffer and dots that with x: two passes through L1. */
    @Override
    float dotRow(int r, float[] x, int xOff) {
        var f = Ops.F;
        float[] buf = FLOATS.get();
        long base = r * rowBytes;
        var acc = FloatVector.zero(f);
        float tail = 0f;
        for (int c0 = 0; c0 < cols; c0 += CHUNK) {
            int n = Math.min(CHUNK, cols - c0);
            halvesToFloats(data, base + 2L * c0, buf, 0, n);
            int i = 0;
            for (int upper = f.loopBound(n); i < upper; i += f.length()) {
                acc = FloatVector.fromArray(f, buf, i).fma(FloatVector.fromArray(f, x, xOff + c0 + i), acc);
            }
            for (; i < n; i++) tail += buf[i] * x[xOff + c0 + i];
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail;
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        halvesToFloats(data, r * rowBytes, dst, off, cols);
    }
}
