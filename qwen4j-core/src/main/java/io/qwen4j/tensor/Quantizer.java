package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Reference encoders and decoders of the supported types, byte-identical to ggml's (ggml-quants.c *_ref). */
public final class Quantizer {
    private Quantizer() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The types {@link #quantize} can encode. */
    public static final Set<GgmlType> ENCODABLE = Collections.unmodifiableSet(EnumSet.of(GgmlType.F32, GgmlType.F16,
            GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K));

    public static byte[] quantize(GgmlType type, float[] data) {
        var out = ByteBuffer.allocate(Math.toIntExact(type.bytesFor(data.length))).order(ByteOrder.LITTLE_ENDIAN);
        quantize(type, data, 0, data.length, out);
        return out.array();
    }

    /**
     * Encodes {@code data[from, to)} (a whole number of blocks) at the position of {@code out}, which must be
     * little-endian; advances the position by {@code type.bytesFor(to - from)}.
     */
    public static void quantize(GgmlType type, float[] data, int from, int to, ByteBuffer out) {
        if (out.order() != ByteOrder.LITTLE_ENDIAN) throw new IllegalArgumentException("the output buffer must be little-endian");
        long bytes = type.bytesFor(to - from);
        if (out.remaining() < bytes) throw new IllegalArgumentException(type + ": " + (to - from) + " elements need " + bytes + " bytes, " + out.remaining() + " left");
        switch (type) {
            case F32 -> { for (int i = from; i < to; i++) out.putFloat(data[i]); }
            case F16 -> { for (int i = from; i < to; i++) out.putShort(Ops.floatToFp16(data[i])); }
            case BF16 -> { for (int i = from; i < to; i++) out.putShort(Ops.floatToBf16(data[i])); }
            case Q8_0 -> quantizeQ8_0(data, from, to, out);
            case Q4_0 -> quantizeQ4_0(data, from, to, out);
            case Q5_0 -> quantizeQ5_0(data, from, to, out);
            case Q5_1 -> quantizeQ5_1(data, from, to, out);
            case Q4_K -> KQuants.quantizeQ4K(data, from, to, out);
            case Q5_K -> KQuants.quantizeQ5K(data, from, to, out);
            case Q6_K -> KQuants.quantizeQ6K(data, from, to, out);
            default -> throw new IllegalArgumentException("cannot quantize to " + type + " (supported: " + ENCODABLE + ")");
        }
    }

    /** quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d). */
    private static void quantizeQ8_0(float[] x, int from, int to, ByteBuffer out) {
        for (int b = from; b < to; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b + j]));
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Ops.floatToFp16(d));
            for (int j = 0; j < 32; j++) out.put((byte) roundf(x[b + j] * id));
        }
    }

    /** quantize_row_q4_0_ref: d = (the value of largest magnitude) / -8, q = min(15, (int8)(x/d + 8.5)). */
    private static void quantizeQ4_0(float[] x, int from, int to, ByteBuffer out) {
        for (int b = from; b < to; b += 32) {
            float d = largestMagnitude(x, b) / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Ops.floatToFp16(d));
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, (byte) (int) (x[b + j] * id + 8.5f));
                int hi = Math.min(15, (byte) (int) (x[b + 16 + j] * id + 8.5f));
                out.put((byte) (lo | (hi << 4)));
            }
        }
    }

    /** The first value of largest magnitude in the block of 32 at b, with its sign (as the Q4_0 and Q5_0 refs find it). */
    private static float largestMagnitude(float[] x, int b) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[b + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /** quantize_row_q5_0_ref: d = (the value of largest magnitude) / -16, q = min(31, (int8)(x/d + 16.5)), fifth bits in qh. */
    private static void quantizeQ5_0(float[] x, int from, int to, ByteBuffer out) {
        for (int b = from; b < to; b += 32) {
            float d = largestMagnitude(x, b) / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putQ5(x, b, out.putShort(Ops.floatToFp16(d)), id, 0f, 16.5f, true);
        }
    }

    /** quantize_row_q5_1_ref: d = (max - min) / 31, m = min, q = (uint8)((x - min)/d + 0.5), fifth bits in qh. */
    private static void quantizeQ5_1(float[] x, int from, int to, ByteBuffer out) {
        for (int b = from; b < to; b += 32) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < 32; j++) {
                float v = x[b + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / ((1 << 5) - 1);
            float id = d != 0 ? 1.0f / d : 0.0f;
            putQ5(x, b, out.putShort(Ops.floatToFp16(d)).putShort(Ops.floatToFp16(min)), id, min, 0.5f, false);
        }
    }

    /** The quants of one Q5_0 / Q5_1 block: 4 bytes of fifth bits (element j at bit j), then 16 bytes of nibble pairs (j, j+16). */
    private static void putQ5(float[] x, int b, ByteBuffer out, float id, float min, float offset, boolean signed) {
        int qh = 0;
        byte[] qs = new byte[16];
        for (int j = 0; j < 16; j++) {
            float x0 = (x[b + j] - min) * id;
            float x1 = (x[b + 16 + j] - min) * id;
            // Q5_0 converts through int8_t and clamps to 31; Q5_1 converts through uint8_t (C's casts truncate)
            int xi0 = signed ? Math.min(31, (byte) (int) (x0 + offset)) & 0xFF : (int) (x0 + offset) & 0xFF;
            int xi1 = signed ? Math.min(31, (byte) (int) (x1 + offset)) & 0xFF : (int) (x1 + offset) & 0xFF;
            qs[j] = (byte) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
            qh |= ((xi0 & 0x10) >>> 4) << j;
            qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
        }
        out.putInt(qh).put(qs);
    }

    /** C's roundf: halves away from zero. */
    private static float roundf(float v) {
        return (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    public static float[] dequantize(GgmlType type, MemorySegment data, long elements) {
        if (elements > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many elements: " + elements);
        long need = type.bytesFor(elements);
        if (data.byteSize() < need) throw new IllegalArgumentException(type + ": " + elements + " elements need " + need + " bytes, got " + data.byteSize());
        int n = (int) elements;
        float[] out = new float[n];
        switch (type) {
            case F32 -> MemorySegment.copy(data, F32, 0, out, 0, n);
            default -> {
                if (!Matrix.SUPPORTED.contains(type)) {
                    throw new IllegalArgumentException("cannot dequantize " + type + " (supported: " + Matrix.SUPPORTED + ")");
                }
                Matrix.of(type, data.asSlice(0, need), 1, n).dequantizeRow(0, out, 0);
            }
        }
        return out;
    }
}
