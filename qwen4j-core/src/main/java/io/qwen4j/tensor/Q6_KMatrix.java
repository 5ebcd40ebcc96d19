package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K super-blocks of 256 (ggml-common.h block_q6_K): 128 bytes of low nibbles (ql), 64 bytes of 2-bit high
 * parts (qh), 16 int8 scales (one per 16 elements), fp16 d; value = d * scale * (q - 32). In each half n of 128
 * elements, byte l (0..31) of ql, ql+32 and qh yields elements l, l+32, l+64, l+96 (dequantize_row_q6_K).
 */
final class Q6_KMatrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    private static final int QH = 128, SCALES = 192, D = 208;

    Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, false);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /**
     * Each half n of 128 elements is unpacked with 32-byte vectors: quants k = 0..3 (elements +0, +32, +64, +96) are the low nibbles of ql and ql+32, then their high nibbles, with
     * bit pair k of qh on top, stored in element order. Shifts run on 32-bit lanes and the mask drops what crosses a
     * byte: x86 has no byte shift.
     */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        float[] sc = u.scales;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            var d = FloatVector.broadcast(Ops.F, Blocks.half(data, blk + D));
            var scales = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, blk + SCALES, ByteOrder.LITTLE_ENDIAN);
            ((FloatVector) scales.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(sc, 16 * b);
            ((FloatVector) scales.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(d).intoArray(sc, 16 * b + 8);
            for (int n = 0; n < 2; n++) {
                int o = b * BLOCK + 128 * n;
                var qa = ByteVector.fromMemorySegment(ByteVector.SPECIES_256, data, blk + 64 * n, ByteOrder.LITTLE_ENDIAN);
                var qb = ByteVector.fromMemorySegment(ByteVector.SPECIES_256, data, blk + 64 * n + 32, ByteOrder.LITTLE_ENDIAN);
                var qh = ByteVector.fromMemorySegment(ByteVector.SPECIES_256, data, blk + QH + 32 * n, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts();
                qa.and((byte) 0x0F).or(qh.lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32).intoArray(q, o);
                qb.and((byte) 0x0F).or(qh.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32).intoArray(q, o + 32);
                qa.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .or(qh.reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32).intoArray(q, o + 64);
                qb.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .or(qh.lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32).intoArray(q, o + 96);
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
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 2; h++) {
                    var qa = ByteVector.fromMemorySegment(Blocks.B, data, blk + 64 * n + 16 * h, ByteOrder.LITTLE_ENDIAN);
                    var qb = ByteVector.fromMemorySegment(Blocks.B, data, blk + 64 * n + 32 + 16 * h, ByteOrder.LITTLE_ENDIAN);
                    var qh = ByteVector.fromMemorySegment(Blocks.B, data, blk + QH + 32 * n + 16 * h, ByteOrder.LITTLE_ENDIAN);
                    for (int k = 0; k < 4; k++) {
                        var ql = (k & 1) == 0 ? qa : qb;
                        var q = (k < 2 ? ql : ql.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()).and((byte) 0x0F)
                                .or(qh.reinterpretAsInts().lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                        int o = off + b * BLOCK + 128 * n + 32 * k + 16 * h;
                        var dl = FloatVector.broadcast(F, d * Blocks.int8(data, blk + SCALES + 8 * n + h + 2 * k));
                        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(dl).intoArray(dst, o);
                        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 1)).mul(dl).intoArray(dst, o + 8);
                        qh = qh.reinterpretAsInts().lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes();
                    }
                }
            }
        }
    }
}
