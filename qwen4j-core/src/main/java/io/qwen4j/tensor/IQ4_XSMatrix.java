package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IQ4_XS super-blocks of 256 (ggml-common.h block_iq4_xs): fp16 d, the top 2 bits of eight 6-bit scales in a
 * uint16, their low 4 bits in 4 bytes, then 128 bytes of IQ4_NL code-book nibbles; sub-block ib (32 elements) is
 * bytes 16ib .. 16ib+15, low nibbles first, value = d * (scale_ib - 32) * kvalues[q] (dequantize_row_iq4_xs).
 */
final class IQ4_XSMatrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 136;
    private static final int QS = 8;

    IQ4_XSMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, false);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    /** d times the scale of sub-block ib minus 32, from scales_h (bytes 2..3) and scales_l (bytes 4..7). */
    private float scale(long blk, float d, int ib) {
        int high = Blocks.uint8(data, blk + 2 + ib / 4) >>> 2 * (ib & 3) & 3;
        int low = Blocks.uint8(data, blk + 4 + ib / 2) >>> 4 * (ib & 1) & 0xF;
        return d * ((low | high << 4) - 32);
    }

    /** Through the code book; each scale serves two groups of 16. */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            for (int ib = 0; ib < 8; ib++) u.scale32(8 * b + ib, scale(blk, d, ib));
            for (int ib = 0; ib < 8; ib++) {
                var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + QS + 16 * ib, ByteOrder.LITTLE_ENDIAN);
                v.and((byte) 0x0F).selectFrom(IQ4_NLMatrix.KVALUES).intoArray(q, b * BLOCK + 32 * ib);
                v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .selectFrom(IQ4_NLMatrix.KVALUES).intoArray(q, b * BLOCK + 32 * ib + 16);
            }
        }
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment data = Blocks.offHeap(this.data);
        var F = Ops.F;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            for (int ib = 0; ib < 8; ib++) {
                int o = off + b * BLOCK + 32 * ib;
                var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + QS + 16 * ib, ByteOrder.LITTLE_ENDIAN);
                var lo = v.and((byte) 0x0F).selectFrom(IQ4_NLMatrix.KVALUES);
                var hi = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(IQ4_NLMatrix.KVALUES);
                var dl = FloatVector.broadcast(F, scale(blk, d, ib));
                ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(dl).intoArray(dst, o);
                ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).mul(dl).intoArray(dst, o + 8);
                ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(dl).intoArray(dst, o + 16);
                ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).mul(dl).intoArray(dst, o + 24);
            }
        }
    }
}
