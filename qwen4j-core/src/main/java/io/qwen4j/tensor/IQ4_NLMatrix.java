package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IQ4_NL blocks (ggml-common.h block_iq4_nl): fp16 d, 16 bytes of nibbles laid out as Q4_0's, each an index into
 * the non-linear code book kvalues_iq4nl; value = d * kvalues[q] (dequantize_row_iq4_nl).
 */
final class IQ4_NLMatrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;
    /** kvalues_iq4nl (ggml-common.h), shared with IQ4_XS. */
    static final ByteVector KVALUES = Blocks.table(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);

    IQ4_NLMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, false);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    /** Through the code book, otherwise as Q4_0Matrix's. */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            u.scale32(b, d);
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 2, ByteOrder.LITTLE_ENDIAN);
            v.and((byte) 0x0F).selectFrom(KVALUES).intoArray(q, b * BLOCK);
            v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(KVALUES).intoArray(q, b * BLOCK + 16);
        }
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment data = Blocks.offHeap(this.data);
        var F = Ops.F;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int o = off + b * BLOCK;
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 2, ByteOrder.LITTLE_ENDIAN);
            var lo = v.and((byte) 0x0F).selectFrom(KVALUES);
            var hi = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(KVALUES);
            var d = FloatVector.broadcast(F, Blocks.half(data, blk));
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, o);
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).mul(d).intoArray(dst, o + 8);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, o + 16);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).mul(d).intoArray(dst, o + 24);
        }
    }
}
