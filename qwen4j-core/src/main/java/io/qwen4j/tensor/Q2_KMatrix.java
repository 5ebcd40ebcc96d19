package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q2_K super-blocks of 256 (ggml-common.h block_q2_K): 16 bytes of (4-bit scale, 4-bit min) per 16 elements,
 * 64 bytes of 2-bit quants, fp16 d and dmin; value = d*scale * q - dmin*min. In each half n of 128 elements, bit
 * pair j of byte l (0..31) is element 32j + l, scale index 8n + 2j + l/16 (dequantize_row_q2_K).
 */
final class Q2_KMatrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 84;
    private static final int QS = 16, D = 80;

    Q2_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, true);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    /** Scale and min pairs are per group of 16 already: all sixteen widened at once. */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        float[] sc = u.scales;
        float[] mn = u.mins;
        var B = ByteVector.SPECIES_256;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            float dmin = Blocks.half(data, blk + D + 2);
            var packed = ByteVector.fromMemorySegment(Blocks.B, data, blk, ByteOrder.LITTLE_ENDIAN); // low nibble scale, high min
            var scale = packed.and((byte) 0x0F);
            var min = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            ((FloatVector) scale.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(sc, 16 * b);
            ((FloatVector) scale.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(d).intoArray(sc, 16 * b + 8);
            ((FloatVector) min.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(dmin).intoArray(mn, 16 * b);
            ((FloatVector) min.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(dmin).intoArray(mn, 16 * b + 8);
            for (int n = 0; n < 2; n++) {
                var w = ByteVector.fromMemorySegment(B, data, blk + QS + 32 * n, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts();
                for (int j = 0; j < 4; j++) { // bits that cross a byte in the 32-bit shift are masked off
                    w.lanewise(VectorOperators.LSHR, 2 * j).reinterpretAsBytes().and((byte) 3).intoArray(q, b * BLOCK + 128 * n + 32 * j);
                }
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
            float d = Blocks.half(data, blk + D);
            float dmin = Blocks.half(data, blk + D + 2);
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 2; h++) {
                    var w = ByteVector.fromMemorySegment(Blocks.B, data, blk + QS + 32 * n + 16 * h, ByteOrder.LITTLE_ENDIAN);
                    for (int j = 0; j < 4; j++) {
                        int sc = Blocks.uint8(data, blk + 8 * n + 2 * j + h);
                        int o = off + b * BLOCK + 128 * n + 32 * j + 16 * h;
                        var q = w.and((byte) 3);
                        var dl = FloatVector.broadcast(F, d * (sc & 0xF));
                        var ml = FloatVector.broadcast(F, dmin * (sc >>> 4));
                        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(dl).sub(ml).intoArray(dst, o);
                        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 1)).mul(dl).sub(ml).intoArray(dst, o + 8);
                        w = w.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes(); // bits that cross a byte land above the 2 read next
                    }
                }
            }
        }
    }
}
