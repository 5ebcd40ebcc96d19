package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reference encoders and decoders of the supported types, byte-identical to ggml's (ggml-quants.c *_ref). */
public final class Quantizer {
    private Quantizer() {}

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static byte[] quantize(GgmlType type, float[] data) {
        long bytes = type.bytesFor(data.length);
        var out = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> { for (float v : data) out.putFloat(v); }
            case F16 -> { for (float v : data) out.putShort(Ops.floatToFp16(v)); }
            case BF16 -> { for (float v : data) out.putShort(Ops.floatToBf16(v)); }
            case Q8_0 -> quantizeQ8_0(data, out);
            case Q4_0 -> quantizeQ4_0(data, out);
            default -> throw new IllegalArgumentException("cannot quantize to " + type + " (supported: F32, F16, BF16, Q8_0, Q4_0)");
        }
        return out.array();
    }

    /** quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d). */
    private static void quantizeQ8_0(float[] x, ByteBuffer out) {
        for (int b = 0; b < x.length; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b + j]));
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Ops.floatToFp16(d));
            for (int j = 0; j < 32; j++) out.put((byte) roundf(x[b + j] * id));
        }
    }

    /** quantize_row_q4_0_ref: d = (the value of largest magnitude) / -8, q = min(15, (int8)(x/d + 8.5)). */
    private static void quantizeQ4_0(float[] x, ByteBuffer out) {
        for (int b = 0; b < x.length; b += 32) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[b + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            out.putShort(Ops.floatToFp16(d));
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, (byte) (int) (x[b + j] * id + 8.5f));
                int hi = Math.min(15, (byte) (int) (x[b + 16 + j] * id + 8.5f));
                out.put((byte) (lo | (hi << 4)));
            }
        }
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
