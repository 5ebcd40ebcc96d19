package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Q4_1 blocks (ggml-common.h block_q4_1): fp16 d and m, 16 bytes of nibbles laid out as Q4_0's; value = d * q + m (dequantize_row_q4_1). */
final class Q4_1Matrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 20;

    Q4_1Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, true);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    /** As Q4_0Matrix's, without the -8; m enters as a negative min. */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk);
            float m = Blocks.half(data, blk + 2);
            u.scale32(b, d, -m);
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 4, ByteOrder.LITTLE_ENDIAN);
            v.and((byte) 0x0F).intoArray(q, b * BLOCK);
            v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).intoArray(q, b * BLOCK + 16);
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
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 4, ByteOrder.LITTLE_ENDIAN);
            var lo = v.and((byte) 0x0F);
            var hi = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            var d = FloatVector.broadcast(F, Blocks.half(data, blk));
            var m = FloatVector.broadcast(F, Blocks.half(data, blk + 2));
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(d).add(m).intoArray(dst, o);
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).mul(d).add(m).intoArray(dst, o + 8);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(d).add(m).intoArray(dst, o + 16);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).mul(d).add(m).intoArray(dst, o + 24);
        }
    }
}
