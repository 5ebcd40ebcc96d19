package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Q4_1 blocks (ggml-common.h block_q4_1): fp16 d and m, 16 bytes of nibbles laid out as Q4_0's; value = d * q + m (dequantize_row_q4_1). */
final class Q4_1Matrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 20;

    Q4_1Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            ByteVector v = Blocks.load(data, blk + 4);
            var qx = Blocks.dot(Blocks.low(v), x, xi).add(Blocks.dot(Blocks.high(v), x, xi + 16));
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
            ByteVector v = Blocks.load(data, blk + 4);
            Blocks.store(Blocks.low(v), d, m, dst, off + b * BLOCK);
            Blocks.store(Blocks.high(v), d, m, dst, off + b * BLOCK + 16);
        }
    }
}
