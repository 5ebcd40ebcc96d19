package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_1 blocks (ggml-common.h block_q5_1): fp16 d and m, a 32-bit word of fifth bits, 16 bytes of nibbles laid
 * out as Q4_0's; value = d * q + m (dequantize_row_q5_1).
 */
final class Q5_1Matrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 24;

    Q5_1Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    /** Elements 16h .. 16h+15 as values 0 .. 31. */
    private ByteVector quants(long blk, int h) {
        ByteVector v = Blocks.load(data, blk + 8);
        return (h == 0 ? Blocks.low(v) : Blocks.high(v)).or(Blocks.fifthBits(Blocks.load(data, blk + 4), h));
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            var qx = Blocks.dot(quants(blk, 0), x, xi).add(Blocks.dot(quants(blk, 1), x, xi + 16));
            acc = qx.fma(FloatVector.broadcast(Ops.F, Blocks.half(data, blk)), acc);
            acc = Blocks.sum(x, xi).add(Blocks.sum(x, xi + 16)).fma(FloatVector.broadcast(Ops.F, Blocks.half(data, blk + 2)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            float m = Blocks.half(data, blk + 2);
            Blocks.store(quants(blk, 0), d, m, dst, off + b * BLOCK);
            Blocks.store(quants(blk, 1), d, m, dst, off + b * BLOCK + 16);
        }
    }
}
