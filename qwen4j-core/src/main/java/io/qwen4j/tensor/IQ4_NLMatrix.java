package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IQ4_NL blocks (ggml-common.h block_iq4_nl): fp16 d, 16 bytes of nibbles laid out as Q4_0's, each an index into
 * the non-linear code book kvalues_iq4nl; value = d * kvalues[q] (dequantize_row_iq4_nl).
 */
final class IQ4_NLMatrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    /** kvalues_iq4nl (ggml-common.h), shared with IQ4_XS. */
    static final ByteVector KVALUES = Blocks.table(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);

    IQ4_NLMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            ByteVector v = Blocks.load(data, blk + 2);
            var qx = Blocks.dot(Blocks.lookup(KVALUES, Blocks.low(v)), x, xi).add(Blocks.dot(Blocks.lookup(KVALUES, Blocks.high(v)), x, xi + 16));
            acc = qx.fma(FloatVector.broadcast(Ops.F, Blocks.half(data, blk)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            ByteVector v = Blocks.load(data, blk + 2);
            Blocks.store(Blocks.lookup(KVALUES, Blocks.low(v)), d, dst, off + b * BLOCK);
            Blocks.store(Blocks.lookup(KVALUES, Blocks.high(v)), d, dst, off + b * BLOCK + 16);
        }
    }
}
