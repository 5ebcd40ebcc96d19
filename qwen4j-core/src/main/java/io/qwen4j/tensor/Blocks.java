package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The decoding steps the block-quantized types share. Every ggml quant layout stores its quants so that 16
 * consecutive bytes hold (parts of) 16 consecutive elements, so a kernel loads 16 bytes, rebuilds the 16 small
 * integers in byte lanes (nibbles, bit planes, table look-ups) and only then widens them to floats: two
 * 8-lane float vectors, multiplied with x (dot) or with the scale (dequantize).
 */
final class Blocks {
    private Blocks() {}

    static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final VectorSpecies<Float> F = Ops.F;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static float half(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(F16Matrix.LE, offset));
    }

    static int int32(MemorySegment data, long offset) {
        return data.get(INT_LE, offset);
    }

    static int uint8(MemorySegment data, long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    static ByteVector load(MemorySegment data, long offset) {
        return ByteVector.fromMemorySegment(B, data, offset, ByteOrder.LITTLE_ENDIAN);
    }

    /** The low nibble of each byte. */
    static ByteVector low(ByteVector v) {
        return v.and((byte) 0x0F);
    }

    /** The high nibble of each byte. */
    static ByteVector high(ByteVector v) {
        return v.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F);
    }

    /** {@code count} bits of each byte starting at bit {@code from}, moved to bit {@code to} (bit planes of Q3_K, Q5_K, Q6_K). */
    static ByteVector bits(ByteVector v, int from, int count, int to) {
        byte mask = (byte) (((1 << count) - 1) << to);
        if (from == to) return v.and(mask);
        return (from < to ? v.lanewise(VectorOperators.LSHL, to - from) : v.lanewise(VectorOperators.LSHR, from - to)).and(mask);
    }

    /**
     * The fifth bit of Q5_0 / Q5_1 quants: {@code qh} holds the block's 32-bit high-bit word in lanes 0..3; returns,
     * for element j of half h (elements 16h .. 16h+15), bit 16h + j of that word as 0x10.
     */
    static ByteVector fifthBits(ByteVector qh, int h) {
        var spread = qh.rearrange(h == 0 ? FIRST_TWO_BYTES : LAST_TWO_BYTES); // lane j: byte 2h + j/8
        return ByteVector.zero(B).blend((byte) 0x10, spread.and(BIT_OF_LANE).compare(VectorOperators.NE, 0));
    }

    private static final VectorShuffle<Byte> FIRST_TWO_BYTES = VectorShuffle.fromValues(B, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    private static final VectorShuffle<Byte> LAST_TWO_BYTES = VectorShuffle.fromValues(B, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    private static final ByteVector BIT_OF_LANE =
            ByteVector.fromArray(B, new byte[] {1, 2, 4, 8, 16, 32, 64, (byte) 128, 1, 2, 4, 8, 16, 32, 64, (byte) 128}, 0);

    /** A 16-entry table of signed bytes (IQ4_NL / MXFP4 code books) for {@link #lookup}. */
    static ByteVector table(int... values) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) b[i] = (byte) values[i];
        return ByteVector.fromArray(B, b, 0);
    }

    /** {@code table[index]} per lane; indices are nibbles, so always in range. */
    static ByteVector lookup(ByteVector table, ByteVector index) {
        return index.selectFrom(table);
    }

    /** 16 quants dotted with {@code x[xi .. xi+16)}, left as a vector of partial sums (reduced once per row). */
    static FloatVector dot(ByteVector q, float[] x, int xi) {
        var lo = (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
        var hi = (FloatVector) q.convertShape(VectorOperators.B2F, F, 1);
        return hi.fma(FloatVector.fromArray(F, x, xi + 8), lo.mul(FloatVector.fromArray(F, x, xi)));
    }

    /** {@code x[xi .. xi+16)} summed pairwise into one vector (the min term of Q4_1, Q5_1, Q2_K, Q4_K, Q5_K). */
    static FloatVector sum(float[] x, int xi) {
        return FloatVector.fromArray(F, x, xi).add(FloatVector.fromArray(F, x, xi + 8));
    }

    /** {@code dst[off .. off+16) = q * scale}, rounded as ggml's dequantize_row_* rounds (one multiply). */
    static void store(ByteVector q, float scale, float[] dst, int off) {
        var s = FloatVector.broadcast(F, scale);
        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(s).intoArray(dst, off);
        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 1)).mul(s).intoArray(dst, off + 8);
    }

    /** {@code dst[off .. off+16) = q * scale + offset}: a multiply and then an add, never fused, as in ggml. */
    static void store(ByteVector q, float scale, float offset, float[] dst, int off) {
        var s = FloatVector.broadcast(F, scale);
        var o = FloatVector.broadcast(F, offset);
        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 0)).mul(s).add(o).intoArray(dst, off);
        ((FloatVector) q.convertShape(VectorOperators.B2F, F, 1)).mul(s).add(o).intoArray(dst, off + 8);
    }

    /**
     * get_scale_min_k4 (ggml-quants.c): the j-th (0..7) 6-bit scale and min of a Q4_K / Q5_K super-block, from its
     * 12 scale bytes read as three little-endian ints; returns {@code scale | min << 8}.
     */
    static int scaleMinK4(int q0, int q4, int q8, int j) {
        if (j < 4) {
            int s = 8 * j;
            return (q0 >>> s & 63) | (q4 >>> s & 63) << 8;
        }
        int s = 8 * (j - 4);
        int scale = (q8 >>> s & 0xF) | (q0 >>> s + 6 & 3) << 4;
        int min = (q8 >>> s + 4 & 0xF) | (q4 >>> s + 6 & 3) << 4;
        return scale | min << 8;
    }
}
