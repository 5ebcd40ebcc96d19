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
    static final int CHUNK = 512;

    /**
     * {@code n} halves from {@code seg} at {@code offset} to floats. A plain loop on purpose: C2 vectorizes it into
     * the CPU's half-to-float instruction (vcvtph2ps), which the Vector API has no operation for; the integer-lane
     * conversion it replaced took about ten instructions per vector and bound the F16 kernels on AVX2.
     */
    static void halvesToFloats(MemorySegment seg, long offset, float[] dst, int off, int n) {
        seg = Blocks.offHeap(seg);
        for (int i = 0; i < n; i++) dst[off + i] = Float.float16ToFloat(seg.get(LE, offset + 2L * i));
    }

    /** Converts the row a chunk at a time into a per-thread buffer and dots that with x: two passes through L1. */
    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow scratch) {
        var f = Ops.F;
        float[] buf = scratch.floats;
        long base = r * rowBytes;
        // Two accumulators: with one, every step waited on the previous FMA's latency.
        var acc0 = FloatVector.zero(f);
        var acc1 = FloatVector.zero(f);
        int lanes = f.length();
        float tail = 0f;
        for (int c0 = 0; c0 < cols; c0 += CHUNK) {
            int n = Math.min(CHUNK, cols - c0);
            halvesToFloats(data, base + 2L * c0, buf, 0, n);
            int i = 0;
            for (int upper = n - 2 * lanes; i <= upper; i += 2 * lanes) {
                acc0 = FloatVector.fromArray(f, buf, i).fma(FloatVector.fromArray(f, x, xOff + c0 + i), acc0);
                acc1 = FloatVector.fromArray(f, buf, i + lanes).fma(FloatVector.fromArray(f, x, xOff + c0 + i + lanes), acc1);
            }
            for (; i < n; i++) tail += buf[i] * x[xOff + c0 + i];
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + tail;
    }

    /**
     * Two rows a half chunk at a time each, converted into the two halves of the buffer: memory streams both rows
     * at once (decision 0014). Half chunks are a multiple of the two accumulators' stride, so every product meets the
     * same accumulator in the same order as in {@link #dotRow}.
     */
    @Override
    void dotRows(int ra, int rb, float[] x, int xOff, float[] y, int yOff, UnpackedRow scratch) {
        var f = Ops.F;
        float[] buf = scratch.floats;
        long baseA = ra * rowBytes;
        long baseB = rb * rowBytes;
        var a0 = FloatVector.zero(f);
        var a1 = a0;
        var b0 = a0;
        var b1 = a0;
        int lanes = f.length();
        int half = CHUNK / 2;
        float tailA = 0f;
        float tailB = 0f;
        for (int c0 = 0; c0 < cols; c0 += half) {
            int n = Math.min(half, cols - c0);
            halvesToFloats(data, baseA + 2L * c0, buf, 0, n);
            halvesToFloats(data, baseB + 2L * c0, buf, half, n);
            int i = 0;
            for (int upper = n - 2 * lanes; i <= upper; i += 2 * lanes) {
                var xa = FloatVector.fromArray(f, x, xOff + c0 + i);
                var xb = FloatVector.fromArray(f, x, xOff + c0 + i + lanes);
                a0 = FloatVector.fromArray(f, buf, i).fma(xa, a0);
                a1 = FloatVector.fromArray(f, buf, i + lanes).fma(xb, a1);
                b0 = FloatVector.fromArray(f, buf, half + i).fma(xa, b0);
                b1 = FloatVector.fromArray(f, buf, half + i + lanes).fma(xb, b1);
            }
            for (; i < n; i++) {
                tailA += buf[i] * x[xOff + c0 + i];
                tailB += buf[half + i] * x[xOff + c0 + i];
            }
        }
        y[yOff + ra] = a0.add(a1).reduceLanes(VectorOperators.ADD) + tailA;
        y[yOff + rb] = b0.add(b1).reduceLanes(VectorOperators.ADD) + tailB;
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        halvesToFloats(data, r * rowBytes, dst, off, cols);
    }
}
