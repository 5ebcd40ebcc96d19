package io.qwen4j.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our encoders produce exactly ggml's bytes (vectors: src/test/resources/tensor/README.md). */
class QuantizerGgmlIdentityTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = QuantizerGgmlIdentityTest.class.getResourceAsStream("/tensor/" + name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return in.readAllBytes();
        }
    }

    static float[] input() throws IOException {
        return floats("quant-input.f32");
    }

    static float[] floats(String name) throws IOException {
        var buf = ByteBuffer.wrap(resource(name)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] x = new float[buf.remaining()];
        buf.get(x);
        return x;
    }

    @ParameterizedTest
    @EnumSource(names = {"F16", "BF16", "Q8_0", "Q4_0", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"})
    void encodesByteForByteLikeGgml(GgmlType type) throws IOException {
        assertSameBytes(type, Quantizer.quantize(type, input()), resource("quant-expected." + type.name().toLowerCase()));
    }

    /** Super-block edge cases: zero, constant and mixed sub-blocks, huge and tiny magnitudes, outliers, ties. */
    @ParameterizedTest
    @EnumSource(names = {"Q4_K", "Q5_K", "Q6_K"})
    void encodesKQuantEdgeCasesLikeGgml(GgmlType type) throws IOException {
        assertSameBytes(type, Quantizer.quantize(type, floats("kquant-input.f32")), resource("kquant-expected." + type.name().toLowerCase()));
    }

    private static void assertSameBytes(GgmlType type, byte[] actual, byte[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            if (actual[i] != expected[i]) {
                int block = i / (type.blockBytes);
                throw new AssertionError(type + ": first difference at byte " + i + " (block " + block + "): "
                        + actual[i] + " != " + expected[i]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0"})
    void roundTripErrorIsWithinTheTypesResolution(GgmlType type) throws IOException {
        float[] x = java.util.Arrays.copyOf(input(), 32 * 64); // the ordinary weights
        float[] back = Quantizer.dequantize(type, MemorySegment.ofArray(Quantizer.quantize(type, x)), x.length);
        for (int b = 0; b < x.length; b += 32) {
            float amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b + j]));
            for (int j = 0; j < 32; j++) {
                float err = Math.abs(back[b + j] - x[b + j]);
                float bound = switch (type) {
                    case F32 -> 0f;
                    case F16 -> Math.abs(x[b + j]) * 0x1p-11f + 1e-7f;
                    case BF16 -> Math.abs(x[b + j]) * 0x1p-8f;
                    // half a step, plus the fp16 rounding of the scale (relative 2^-11) times the largest quant
                    case Q8_0 -> amax / 127 * 0.5f + amax * 0x1p-10f;
                    // a full step where the clamp to 15 cuts the side opposite the extreme
                    case Q4_0 -> amax / 8 + amax * 0x1p-10f;
                    default -> throw new AssertionError(type);
                };
                assertThat(err).as("%s element %d", type, b + j).isLessThanOrEqualTo(bound);
            }
        }
    }
}
