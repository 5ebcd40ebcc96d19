package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q5_1 blocks (ggml-common.h block_q5_1): fp16 d and m, a 32-bit word of fifth bits, 16 bytes of nibbles laid
 * out as Q4_0's; value = d * q + m (dequantize_row_q5_1).
 */
final class Q5_1Matrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 24;

    Q5_1Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, true);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    /** As Q4_0Matrix's, with the fifth bits moved to bit 4; m enters as a negative min. */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk); // scalars first: C2 inlines calls in parse order until the method's node budget is spent
            float m = Blocks.half(data, blk + 2);
            u.scale32(b, d, -m);
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 8, ByteOrder.LITTLE_ENDIAN);
            var qh = ByteVector.fromMemorySegment(Blocks.B, data, blk + 4, ByteOrder.LITTLE_ENDIAN);
            v.and((byte) 0x0F).or(ByteVector.zero(Blocks.B).blend((byte) 0x10, qh.rearrange(Blocks.FIFTH_BITS_LOW).and(Blocks.BIT_OF_LANE).compare(VectorOperators.NE, 0))).intoArray(q, b * BLOCK);
            v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .or(ByteVector.zero(Blocks.B).blend((byte) 0x10, qh.rearrange(Blocks.FIFTH_BITS_HIGH).and(Blocks.BIT_OF_LANE).compare(VectorOperators.NE, 0))).intoArray(q, b * BLOCK + 16);
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
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 8, ByteOrder.LITTLE_ENDIAN);
            var qh = ByteVector.fromMemorySegment(Blocks.B, data, blk + 4, ByteOrder.LITTLE_ENDIAN);
            var lo = v.and((byte) 0x0F).or(ByteVector.zero(Blocks.B).blend((byte) 0x10, qh.rearrange(Blocks.FIFTH_BITS_LOW).and(Blocks.BIT_OF_LANE).compare(VectorOperators.NE, 0)));
            var hi = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).or(ByteVector.zero(Blocks.B).blend((byte) 0x10, qh.rearrange(Blocks.FIFTH_BITS_HIGH).and(Blocks.BIT_OF_LANE).compare(VectorOperators.NE, 0)));
            var d = FloatVector.broadcast(F, Blocks.half(data, blk));
            var m = FloatVector.broadcast(F, Blocks.half(data, blk + 2));
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(d).add(m).intoArray(dst, o);
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).mul(d).add(m).intoArray(dst, o + 8);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(d).add(m).intoArray(dst, o + 16);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).mul(d).add(m).intoArray(dst, o + 24);
        }
    }
}
