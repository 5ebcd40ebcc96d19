package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Q4_K super-blocks of 256 (ggml-common.h block_q4_K): fp16 d and dmin, 12 bytes of eight 6-bit (scale, min)
 * pairs, 128 bytes of nibbles. Sub-block s (32 elements) is {@code d*scale_s * q - dmin*min_s}; the 64 elements of
 * group g come from bytes 32g .. 32g+31, low nibbles first (dequantize_row_q4_K). Q5_K is the same with a fifth
 * bit per quant, so both share the super-block kernels here.
 */
final class Q4_KMatrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    /** Offsets inside a Q4_K block; Q5_K puts its 32 bytes of fifth bits in between scales and nibbles. */
    static final int SCALES = 4, QS = 16;
    /** Bytes 0..7 each twice, and bytes 8..15 each twice. */
    private static final VectorShuffle<Byte> DOUBLE_LOW = VectorShuffle.fromOp(ByteVector.SPECIES_128, i -> i / 2);
    private static final VectorShuffle<Byte> DOUBLE_HIGH = VectorShuffle.fromOp(ByteVector.SPECIES_128, i -> 8 + i / 2);

    Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, true);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    void unpack(int r, UnpackedRow u) {
        unpack(data, r * rowBytes, cols / BLOCK, BLOCK_BYTES, QS, -1, u);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        dequantizeRow(data, r * rowBytes, cols / BLOCK, BLOCK_BYTES, QS, -1, dst, off);
    }

    /**
     * Decode's unpacking (UnpackingMatrix), shared with Q5_K, which passes the offset of its fifth bits as qh (-1:
     * none). Group g's 32 bytes give elements 64g .. 64g+31 (low
     * nibbles) and 64g+32 .. 64g+63 (high nibbles), with Q5_K's fifth bits (bit 2g of qh[l] for the low nibbles,
     * 2g+1 for the high ones) moved to bit 4; one 32-byte vector per half group. The (scale, min) pair of each
     * 32 elements is written for both of its groups of 16.
     */
    static void unpack(MemorySegment data, long base, int blocks, int blockBytes, int qs, int qh, UnpackedRow u) {
        data = Blocks.offHeap(data); // once, not per read: each cast adds to C2's node budget in this loop
        byte[] q = u.quants;
        float[] sc = u.scales;
        float[] mn = u.mins;
        var B = ByteVector.SPECIES_256;
        for (int b = 0; b < blocks; b++) {
            long blk = base + (long) b * blockBytes;
            float d = Blocks.half(data, blk);
            float dmin = Blocks.half(data, blk + 2);
            int q0 = Blocks.int32(data, blk + SCALES), q4 = Blocks.int32(data, blk + SCALES + 4), q8 = Blocks.int32(data, blk + SCALES + 8);
            long scales = Blocks.scalesK4(q0, q4, q8), minima = Blocks.minsK4(q4, q8);
            // the eight scales and eight mins as bytes, each doubled (one per group of 16), widened and scaled at once:
            // a scalar loop over them took a third of the kernel's time
            var packed = LongVector.zero(LongVector.SPECIES_128).withLane(0, scales).withLane(1, minima).reinterpretAsBytes();
            var s2 = packed.rearrange(DOUBLE_LOW);
            var m2 = packed.rearrange(DOUBLE_HIGH);
            ((FloatVector) s2.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(sc, 16 * b);
            ((FloatVector) s2.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(d).intoArray(sc, 16 * b + 8);
            ((FloatVector) m2.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(dmin).intoArray(mn, 16 * b);
            ((FloatVector) m2.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(dmin).intoArray(mn, 16 * b + 8);
            var bits = qh >= 0 ? ByteVector.fromMemorySegment(B, data, blk + qh, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts() : null;
            for (int g = 0; g < 4; g++) {
                var v = ByteVector.fromMemorySegment(B, data, blk + qs + 32 * g, ByteOrder.LITTLE_ENDIAN);
                var lo = v.and((byte) 0x0F);
                var hi = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                if (bits != null) {
                    lo = lo.or(bits.lanewise(VectorOperators.LSHR, 2 * g).and(0x01010101).lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes());
                    hi = hi.or(bits.lanewise(VectorOperators.LSHR, 2 * g + 1).and(0x01010101).lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes());
                }
                lo.intoArray(q, b * BLOCK + 64 * g);
                hi.intoArray(q, b * BLOCK + 64 * g + 32);
            }
        }
    }

    /** A row of super-blocks into {@code dst[off ..)}: {@code d*scale * q - dmin*min}, multiply then subtract, as ggml rounds. */
    static void dequantizeRow(MemorySegment data, long base, int blocks, int blockBytes, int qs, int qh, float[] dst, int rowOff) {
        for (int b = 0; b < blocks; b++) dequantize(data, base + (long) b * blockBytes, qs, qh, dst, rowOff + b * BLOCK);
    }

    private static void dequantize(MemorySegment data, long blk, int qs, int qh, float[] dst, int off) {
        data = Blocks.offHeap(data);
        var F = Ops.F;
        float d = Blocks.half(data, blk);
        float dmin = Blocks.half(data, blk + 2);
        int q0 = Blocks.int32(data, blk + SCALES), q4 = Blocks.int32(data, blk + SCALES + 4), q8 = Blocks.int32(data, blk + SCALES + 8);
        long scales = Blocks.scalesK4(q0, q4, q8), minima = Blocks.minsK4(q4, q8);
        for (int g = 0; g < 4; g++) {
            var dLo = FloatVector.broadcast(F, d * ((int) (scales >>> 16 * g) & 0xFF));
            var dHi = FloatVector.broadcast(F, d * ((int) (scales >>> 16 * g + 8) & 0xFF));
            var mLo = FloatVector.broadcast(F, dmin * ((int) (minima >>> 16 * g) & 0xFF));
            var mHi = FloatVector.broadcast(F, dmin * ((int) (minima >>> 16 * g + 8) & 0xFF));
            for (int h = 0; h < 2; h++) {
                var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + qs + 32 * g + 16 * h, ByteOrder.LITTLE_ENDIAN);
                var ql = v.and((byte) 0x0F);
                var qu = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                if (qh >= 0) { // fifth bits: bit 2g of qh[l] for the low nibbles, 2g+1 for the high ones, moved to bit 4
                    var bits = ByteVector.fromMemorySegment(Blocks.B, data, blk + qh + 16 * h, ByteOrder.LITTLE_ENDIAN).reinterpretAsInts();
                    ql = ql.or(bits.lanewise(VectorOperators.LSHR, 2 * g).and(0x01010101).lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes());
                    qu = qu.or(bits.lanewise(VectorOperators.LSHR, 2 * g + 1).and(0x01010101).lanewise(VectorOperators.LSHL, 4).reinterpretAsBytes());
                }
                int ol = off + 64 * g + 16 * h, ou = ol + 32;
                ((FloatVector) ql.convertShape(VectorOperators.B2F, F, 0)).mul(dLo).sub(mLo).intoArray(dst, ol);
                ((FloatVector) ql.convertShape(VectorOperators.B2F, F, 1)).mul(dLo).sub(mLo).intoArray(dst, ol + 8);
                ((FloatVector) qu.convertShape(VectorOperators.B2F, F, 0)).mul(dHi).sub(mHi).intoArray(dst, ou);
                ((FloatVector) qu.convertShape(VectorOperators.B2F, F, 1)).mul(dHi).sub(mHi).intoArray(dst, ou + 8);
            }

        }
    }
}
