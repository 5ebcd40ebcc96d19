package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K super-blocks of 256 (ggml-common.h block_q6_K): 128 bytes of low nibbles (ql), 64 bytes of 2-bit high
 * parts (qh), 16 int8 scales (one per 16 elements), fp16 d; value = d * scale * (q - 32). In each half n of 128
 * elements, byte l (0..31) of ql, ql+32 and qh yields elements l, l+32, l+64, l+96 (dequantize_row_q6_K).
 */
final class Q6_KMatrix extends RowMatrix implements Matrix {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    private static final int QH = 128, SCALES = 192, D = 208;

    Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /**
     * Lanes l .. l+lanes of half n (one step per 16 bytes on AVX-512, two on AVX2): quants k = 0..3 (elements +0,
     * +32, +64, +96) are the low nibbles of ql and ql+32, then their high nibbles, with bit pair k of qh on top;
     * written out per k so that every shift is a constant and no vector is carried between steps. Shifts run on
     * 32-bit lanes and the mask drops what crosses a byte: x86 has no byte shift, and C2's emulation costs several
     * instructions each.
     */
    @Override
    float dotRow(int r, float[] x, int xOff) {
        var f = Ops.WIDE;
        int lanes = f.length();
        long base = r * rowBytes;
        var acc = FloatVector.zero(f);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            // The 16 int8 scales as two words read first: C2 inlines calls in parse order until the method's node
            // budget is spent, and a call left in this loop would spill every vector register.
            long scales0 = data.get(LONG_LE, blk + SCALES), scales1 = data.get(LONG_LE, blk + SCALES + 8);
            for (int n = 0; n < 2; n++) {
                long scales = n == 0 ? scales0 : scales1;
                for (int l = 0; l < 32; l += lanes) {
                    var qa = ByteVector.fromMemorySegment(Ops.WIDE_BYTES, data, blk + 64 * n + l, ByteOrder.LITTLE_ENDIAN);
                    var qb = ByteVector.fromMemorySegment(Ops.WIDE_BYTES, data, blk + 64 * n + 32 + l, ByteOrder.LITTLE_ENDIAN);
                    var qh = ByteVector.fromMemorySegment(Ops.WIDE_BYTES, data, blk + QH + 32 * n + l, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts();
                    var q0 = qa.and((byte) 0x0F).or(qh.lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    var q1 = qb.and((byte) 0x0F).or(qh.lanewise(VectorOperators.LSHL, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    var q2 = qa.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(qh.reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    var q3 = qb.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .or(qh.lanewise(VectorOperators.LSHR, 2).reinterpretAsBytes().and((byte) 0x30)).sub((byte) 32);
                    int xi = xOff + b * BLOCK + 128 * n + l;
                    int sc = 8 * (l / 16);
                    var p0 = ((FloatVector) q0.convertShape(VectorOperators.B2F, f, 0)).mul(FloatVector.fromArray(f, x, xi));
                    var p1 = ((FloatVector) q1.convertShape(VectorOperators.B2F, f, 0)).mul(FloatVector.fromArray(f, x, xi + 32));
                    var p2 = ((FloatVector) q2.convertShape(VectorOperators.B2F, f, 0)).mul(FloatVector.fromArray(f, x, xi + 64));
                    var p3 = ((FloatVector) q3.convertShape(VectorOperators.B2F, f, 0)).mul(FloatVector.fromArray(f, x, xi + 96));
                    acc = p0.fma(FloatVector.broadcast(f, d * (byte) (scales >>> sc)), acc);
                    acc = p1.fma(FloatVector.broadcast(f, d * (byte) (scales >>> sc + 16)), acc);
                    acc = p2.fma(FloatVector.broadcast(f, d * (byte) (scales >>> sc + 32)), acc);
                    acc = p3.fma(FloatVector.broadcast(f, d * (byte) (scales >>> sc + 48)), acc);
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
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
