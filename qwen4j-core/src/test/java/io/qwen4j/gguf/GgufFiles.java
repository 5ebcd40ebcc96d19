package io.qwen4j.gguf;

import io.qwen4j.tensor.GgmlType;
import io.qwen4j.tensor.Quantizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

/** Small valid GGUF files for tests: every metadata type, several tensor types, a Qwen-like token list. */
final class GgufFiles {
    private GgufFiles() {}

    static GgufWriter sample() {
        var w = new GgufWriter();
        w.putString("general.architecture", "qwen3");
        w.put("u8", new GgufValue(GgufValueType.UINT8, null, 200L));
        w.put("i8", new GgufValue(GgufValueType.INT8, null, -100L));
        w.put("u16", new GgufValue(GgufValueType.UINT16, null, 60000L));
        w.put("i16", new GgufValue(GgufValueType.INT16, null, -30000L));
        w.putUInt32("u32", 4_000_000_000L);
        w.putInt32("i32", -2_000_000_000);
        w.putFloat32("f32", 1.5e-6f);
        w.putBool("bool", true);
        w.put("u64", GgufValue.ofUInt64(-1L));
        w.put("i64", new GgufValue(GgufValueType.INT64, null, Long.MIN_VALUE));
        w.put("f64", new GgufValue(GgufValueType.FLOAT64, null, Math.PI));
        w.putString("unicode", "héllo 世界 🙂");
        w.putStringArray("tokenizer.ggml.tokens", List.of("!", "\"", "Ġthe", "<|im_start|>", "世界"));
        w.putInt32Array("tokenizer.ggml.token_type", new int[] {1, 1, 1, 3, 1});
        w.putFloat32Array("floats", new float[] {1f, -2.5f, 3e10f});
        w.put("nested", GgufValue.ofArray(GgufValueType.ARRAY, List.of(
                GgufValue.ofInt32Array(new int[] {1, 2}), GgufValue.ofStringArray(List.of("a", "b", "c")))));
        float[] values = new float[64 * 3];
        for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i);
        w.addTensor("token_embd.weight", GgmlType.Q8_0, new long[] {64, 3}, Quantizer.quantize(GgmlType.Q8_0, values));
        w.addTensor("blk.0.attn_norm.weight", GgmlType.F32, new long[] {64}, Quantizer.quantize(GgmlType.F32, java.util.Arrays.copyOf(values, 64)));
        w.addTensor("blk.0.ffn_up.weight", GgmlType.Q4_0, new long[] {64, 3}, Quantizer.quantize(GgmlType.Q4_0, values));
        w.addTensor("output.weight", GgmlType.F16, new long[] {32, 2}, Quantizer.quantize(GgmlType.F16, java.util.Arrays.copyOf(values, 64)));
        return w;
    }

    static byte[] bytes(GgufWriter w) {
        var out = new ByteArrayOutputStream();
        try {
            w.write(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
