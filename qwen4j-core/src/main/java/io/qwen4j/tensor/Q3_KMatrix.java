package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q3_K super-blocks of 256 (ggml-common.h block_q3_K): 32 bytes of high bits (hmask), 64 bytes of 2-bit low
 * parts, 12 bytes of sixteen 6-bit scales, fp16 d; value = d*(scale-32) * (low - (high bit ? 0 : 4)). In each half
 * n of 128 elements, bit pair j of byte l (0..31) is element 32j + l, its high bit is bit 4n+j of hmask[l], its
 * scale index 8n + 2j + l/16 (dequantize_row_q3_K).
 */
final class Q3_KMatrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 110;
    private static final int QS = 32, SCALES = 96, D = 108;

    Q3_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, false);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /** Scale i (0..15) minus 32: low 4 bits from byte i % 8 (its high nibble for i >= 8), top 2 bits from byte 8 + i % 4. */
    private int scale(long blk, int i) {
        int low = Blocks.uint8(data, blk + SCALES + (i & 7)) >>> (i >= 8 ? 4 : 0) & 0xF;
        int high = Blocks.uint8(data, blk + SCALES + 8 + (i & 3)) >>> 2 * (i >>> 2) & 3;
        return (low | high << 4) - 32;
    }

    /**
     * The 2-bit parts of 32 bytes at a time, shifted as 16-bit
     * lanes (AVX2 has no byte shifts; the bits that cross into a byte are masked off), less 4 where the high bit is
     * clear; the sixteen scales times d first.
     */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        float[] sc = u.scales;
        var B = ByteVector.SPECIES_256;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            // the sixteen 6-bit scales as bytes in two words (the bit moves of ggml's kmask1/kmask2), then widened at once
            int a0 = Blocks.int32(data, blk + SCALES), a1 = Blocks.int32(data, blk + SCALES + 4), high = Blocks.int32(data, blk + SCALES + 8);
            int s0 = (a0 & 0x0F0F0F0F) | (high & 0x03030303) << 4;
            int s1 = (a1 & 0x0F0F0F0F) | (high >>> 2 & 0x03030303) << 4;
            int s2 = (a0 >>> 4 & 0x0F0F0F0F) | (high >>> 4 & 0x03030303) << 4;
            int s3 = (a1 >>> 4 & 0x0F0F0F0F) | (high >>> 6 & 0x03030303) << 4;
            var scales = LongVector.zero(LongVector.SPECIES_128).withLane(0, s0 & 0xFFFFFFFFL | (long) s1 << 32)
                    .withLane(1, s2 & 0xFFFFFFFFL | (long) s3 << 32).reinterpretAsBytes().sub((byte) 32);
            ((FloatVector) scales.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(sc, 16 * b);
            ((FloatVector) scales.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(d).intoArray(sc, 16 * b + 8);
            var hm = ByteVector.fromMemorySegment(B, data, blk, ByteOrder.LITTLE_ENDIAN);
            for (int n = 0; n < 2; n++) {
                var w = ByteVector.fromMemorySegment(B, data, blk + QS + 32 * n, ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < 4; j++) {
                    w.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 2 * j).reinterpretAsBytes().and((byte) 3)
                            .sub(ByteVector.zero(B).blend((byte) 4, hm.and((byte) (1 << 4 * n + j)).compare(VectorOperators.EQ, 0)))
                            .intoArray(q, b * BLOCK + 128 * n + 32 * j);
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
            for (int h = 0; h < 2; h++) {
                var hm = ByteVector.fromMemorySegment(Blocks.B, data, blk + 16 * h, ByteOrder.LITTLE_ENDIAN);
                for (int n = 0; n < 2; n++) {
                    var w = ByteVector.fromMemorySegment(Blocks.B, data, blk + QS + 32 * n + 16 * h, ByteOrder.LITTLE_ENDIAN);
                    for (int j = 0; j < 4; j++) {
                        int o = off + b * BLOCK + 128 * n + 32 * j + 16 * h;
                        var q = w.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 2 * j).reinterpretAsBytes().and((byte) 3)
                                .sub(ByteVector.zero(Blocks.B).blend((byte) 4, hm.and((byte) (1 << 4 * n + j)).compare(VectorOperators.EQ, 0)));
                        var dl = FloatVector.broadcast(F, d * scale(blk, 8 * n + 2 * j + h));
                        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(dl).intoArray(dst, o);
                        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 1)).mul(dl).intoArray(dst, o + 8);
                    }
                }
            }
        }
    }
}
