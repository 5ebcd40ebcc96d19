package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IQ4_XS super-blocks of 256 (ggml-common.h block_iq4_xs): fp16 d, the top 2 bits of eight 6-bit scales in a
 * uint16, their low 4 bits in 4 bytes, then 128 bytes of IQ4_NL code-book nibbles; sub-block ib (32 elements)
 * is bytes 16ib .. 16ib+15, low nibbles first, value = d * (scale_ib - 32) * kvalues[q] (dequantize_row_iq4_xs).
 */
final class IQ4_XSMatrix extends RowMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 136;
    private static final int QS = 8;

    IQ4_XSMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    /** Scale of sub-block ib minus 32, from scales_h (bytes 2..3) and scales_l (bytes 4..7) read as little-endian ints. */
    private static int scale(int high, int low, int ib) {
        return ((low >>> 4 * ib & 0xF) | (high >>> 2 * ib & 3) << 4) - 32;
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            int high = Blocks.uint8(data, blk + 2) | Blocks.uint8(data, blk + 3) << 8;
            int low = Blocks.int32(data, blk + 4);
            for (int ib = 0; ib < 8; ib++) {
                int xi = xOff + b * BLOCK + 32 * ib;
                ByteVector v = Blocks.load(data, blk + QS + 16 * ib);
                var qx = Blocks.dot(Blocks.lookup(IQ4_NLMatrix.KVALUES, Blocks.low(v)), x, xi)
                        .add(Blocks.dot(Blocks.lookup(IQ4_NLMatrix.KVALUES, Blocks.high(v)), x, xi + 16));
                acc = qx.fma(FloatVector.broadcast(Ops.F, d * scale(high, low, ib)), acc);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            int high = Blocks.uint8(data, blk + 2) | Blocks.uint8(data, blk + 3) << 8;
            int low = Blocks.int32(data, blk + 4);
            for (int ib = 0; ib < 8; ib++) {
                float dl = d * scale(high, low, ib);
                ByteVector v = Blocks.load(data, blk + QS + 16 * ib);
                int o = off + b * BLOCK + 32 * ib;
                Blocks.store(Blocks.lookup(IQ4_NLMatrix.KVALUES, Blocks.low(v)), dl, dst, o);
                Blocks.store(Blocks.lookup(IQ4_NLMatrix.KVALUES, Blocks.high(v)), dl, dst, o + 16);
            }
        }
    }
}
