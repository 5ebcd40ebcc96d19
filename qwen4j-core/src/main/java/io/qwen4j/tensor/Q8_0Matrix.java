package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Q8_0 blocks (ggml-common.h block_q8_0): fp16 scale d, 32 int8 quants; value = d * q. */
final class Q8_0Matrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    /** One block per step into one accumulator: the products of a block are summed as a tree before its scale. */
    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow scratch) {
        var f = Ops.WIDE;
        long base = r * rowBytes;
        var acc = FloatVector.zero(f);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            acc = blockDot(blk + 2, x, xOff + b * BLOCK).fma(FloatVector.broadcast(f, scale(blk)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Both rows in one loop, a block of each per step: the two rows lie far apart (RowMatrix pairs the halves of a
     * range), so memory streams them in parallel, and their accumulators make two independent chains (decision
     * 0014). Each row's sum is formed exactly as in {@link #dotRow}. Reading the scales ahead in a loop of their own,
     * as Q4_0 does, measured slower here.
     */
    @Override
    void dotRows(int ra, int rb, float[] x, int xOff, float[] y, int yOff, UnpackedRow scratch) {
        var f = Ops.WIDE;
        long baseA = ra * rowBytes;
        long baseB = rb * rowBytes;
        var accA = FloatVector.zero(f);
        var accB = FloatVector.zero(f);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long off = (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            accA = blockDot(baseA + off + 2, x, xi).fma(FloatVector.broadcast(f, scale(baseA + off)), accA);
            accB = blockDot(baseB + off + 2, x, xi).fma(FloatVector.broadcast(f, scale(baseB + off)), accB);
        }
        y[yOff + ra] = accA.reduceLanes(VectorOperators.ADD);
        y[yOff + rb] = accB.reduceLanes(VectorOperators.ADD);
    }

    private float scale(long blk) {
        return Float.float16ToFloat(Blocks.offHeap(data).get(F16Matrix.LE, blk));
    }

    /** The 32 quants at {@code q} times x[xi..xi+32), as a vector of partial sums (a tree of four 8-float vectors, or a chain of two 16-float ones). */
    private FloatVector blockDot(long q, float[] x, int xi) {
        var f = Ops.WIDE;
        int lanes = f.length();
        var p0 = quants(q).mul(FloatVector.fromArray(f, x, xi));
        if (lanes == 16) return quants(q + lanes).fma(FloatVector.fromArray(f, x, xi + lanes), p0);
        var p1 = quants(q + lanes).mul(FloatVector.fromArray(f, x, xi + lanes));
        p0 = quants(q + 2L * lanes).fma(FloatVector.fromArray(f, x, xi + 2 * lanes), p0);
        p1 = quants(q + 3L * lanes).fma(FloatVector.fromArray(f, x, xi + 3 * lanes), p1);
        return p0.add(p1);
    }

    private FloatVector quants(long at) {
        return (FloatVector) ByteVector.fromMemorySegment(Ops.WIDE_BYTES, Blocks.offHeap(data), at, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2F, Ops.WIDE, 0);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment data = Blocks.offHeap(this.data);
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            var d = FloatVector.broadcast(Ops.F, Float.float16ToFloat(data.get(F16Matrix.LE, blk)));
            for (int part = 0; part < 4; part++) {
                ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, blk + 2 + part * 8L, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(dst, off + b * BLOCK + part * 8);
            }
        }
    }
}
