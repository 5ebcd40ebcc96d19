package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * What the block-quantized types share. Every ggml layout stores its quants so that 16 consecutive bytes hold
 * (parts of) 16 consecutive elements, so each kernel loads 16 bytes, rebuilds 16 small integers in byte lanes
 * (nibbles, bit planes, table look-ups) and only then widens them to two 8-lane float vectors.
 *
 * <p>The kernels write their vector code out instead of calling vector helpers: in methods that large C2 stops
 * inlining small callees, and a vector passed across a call is boxed (an allocation per block). Byte shifts are
 * by constants for the same reason: a variable byte shift falls back to Java code on AVX2. Only scalar helpers
 * live here.
 */
final class Blocks {
    private Blocks() {}

    static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * The JDK's class of off-heap segments (mapped files and arena memory; sealed, its one subclass is the mapped one),
     * or MemorySegment where that name is unknown. A kernel casts its segment to it before reading (decision 0016).
     */
    static final Class<? extends MemorySegment> NATIVE_SEGMENT = nativeSegmentClass();

    private static Class<? extends MemorySegment> nativeSegmentClass() {
        try {
            return Class.forName("jdk.internal.foreign.NativeMemorySegmentImpl").asSubclass(MemorySegment.class);
        } catch (ClassNotFoundException | ClassCastException e) {
            return MemorySegment.class;
        }
    }

    /**
     * {@code data} with the static type C2 needs to compile its reads as plain loads. The Vector API reads a segment
     * through JDK methods shared by every caller in the process, and calls the segment's base and offset accessors
     * there; a type profile mixing heap segments with ours (the Vector API's own fallbacks make heap segments) left
     * those as virtual calls in every load of a kernel, several times slower for the rest of the process. After this
     * cast C2 binds them statically, whatever the profile. Every matrix keeps its weights off the heap (Matrix.of).
     */
    static MemorySegment offHeap(MemorySegment data) {
        return NATIVE_SEGMENT.cast(data);
    }

    /**
     * Every half-precision bit pattern as a float (256 KB). A block's scale read through this table costs the decode
     * kernels one load, which broadcasts straight from memory; converted with the CPU's half-to-float instruction it
     * cost a move into a vector register, the conversion and a broadcast, three operations on the one port that also
     * widens the quants, which was the port the Q8_0 kernel waited on (decision 0017).
     */
    static final float[] HALVES = halves();

    private static float[] halves() {
        float[] t = new float[1 << 16];
        for (int h = 0; h < t.length; h++) t[h] = Float.float16ToFloat((short) h);
        return t;
    }

    /** The half-precision float at {@code offset}, through {@link #HALVES}. */
    static float half(MemorySegment data, long offset) {
        return halfOffHeap(offHeap(data), offset);
    }

    /** {@link #half} for a segment the kernel has already cast with {@link #offHeap} (once, outside its loop). */
    static float halfOffHeap(MemorySegment data, long offset) {
        return HALVES[data.get(F16Matrix.LE, offset) & 0xFFFF];
    }

    static int int32(MemorySegment data, long offset) {
        return offHeap(data).get(INT_LE, offset);
    }

    static int uint8(MemorySegment data, long offset) {
        return offHeap(data).get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    static int int8(MemorySegment data, long offset) {
        return offHeap(data).get(ValueLayout.JAVA_BYTE, offset);
    }

    /** A 16-entry table of signed bytes (the IQ4_NL and MXFP4 code books), indexed by nibbles with selectFrom. */
    static ByteVector table(int... values) {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) b[i] = (byte) values[i];
        return ByteVector.fromArray(B, b, 0);
    }

    /**
     * Q5_0 / Q5_1 fifth bits: with the block's 32-bit qh word in lanes 0..3, {@code qh.rearrange(FIFTH_BITS_LOW)
     * .and(BIT_OF_LANE)} is nonzero in lane j exactly when bit j is set (elements 0..15), with FIFTH_BITS_HIGH when
     * bit 16 + j is (elements 16..31).
     */
    static final VectorShuffle<Byte> FIFTH_BITS_LOW = VectorShuffle.fromValues(B, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    static final VectorShuffle<Byte> FIFTH_BITS_HIGH = VectorShuffle.fromValues(B, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    static final ByteVector BIT_OF_LANE =
            ByteVector.fromArray(B, new byte[] {1, 2, 4, 8, 16, 32, 64, (byte) 128, 1, 2, 4, 8, 16, 32, 64, (byte) 128}, 0);

    /**
     * The eight 6-bit (scale, min) pairs of a Q4_K / Q5_K super-block (get_scale_min_k4 in ggml-quants.c), from its
     * 12 scale bytes read as three little-endian ints: scale j in byte j of the first long, min j in byte j of the
     * second. Kernels read these at the top of their block loop, so that no call is left in the
     * vector code when C2's inlining budget runs out.
     */
    static long scalesK4(int q0, int q4, int q8) {
        // bytes 0..3: low 6 bits of q0; bytes 4..7: low nibbles of q8 with q0's top two bits above them
        int high = (q8 & 0x0F0F0F0F) | (q0 >>> 6 & 0x03030303) << 4;
        return (q0 & 0x3F3F3F3FL) | (long) high << 32;
    }

    static long minsK4(int q4, int q8) {
        int high = (q8 >>> 4 & 0x0F0F0F0F) | (q4 >>> 6 & 0x03030303) << 4;
        return (q4 & 0x3F3F3F3FL) | (long) high << 32;
    }

}
