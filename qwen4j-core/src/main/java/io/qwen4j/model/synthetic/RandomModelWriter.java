package io.qwen4j.model.synthetic;

import io.qwen4j.gguf.GgufWriter;
import io.qwen4j.tensor.GgmlType;
import io.qwen4j.tensor.Quantizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Writes a Qwen2/Qwen3 GGUF file with random weights and a {@link SyntheticVocabulary}, laid out and named the
 * way llama.cpp's converter writes real ones, so that llama.cpp and qwen4j can run the same file. Every tensor
 * draws from its own random stream (seed and the CRC-32 of its name), so files of different types made with one
 * seed are the same model up to quantization.
 */
public final class RandomModelWriter {
    private RandomModelWriter() {}

    /**
     * The shape of a generated model.
     *
     * @param std standard deviation of matrix weights (larger: sharper next-token distributions)
     */
    public record Spec(String architecture, int hidden, int layers, int heads, int kvHeads, int headDim, int ffn,
                       int vocab, boolean tied, GgmlType type, long seed, float std, int contextLength,
                       float ropeTheta, float rmsEps) {

        public Spec {
            if (!architecture.equals("qwen2") && !architecture.equals("qwen3")) {
                throw new IllegalArgumentException("random models are qwen2 or qwen3, not " + architecture);
            }
            if (vocab < SyntheticVocabulary.minimumSize()) {
                throw new IllegalArgumentException("vocab must be at least " + SyntheticVocabulary.minimumSize());
            }
        }

        /** A tiny Qwen3 (about 1 MB in F32): the demo model. */
        public static Spec tinyQwen3() {
            return new Spec("qwen3", 64, 2, 4, 2, 32, 128, 384, true, GgmlType.F32, 42, 0.08f, 4096, 1_000_000f, 1e-6f);
        }

        public Spec withArchitecture(String a) {
            return new Spec(a, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, std, contextLength, ropeTheta, rmsEps);
        }

        public Spec withShape(int hidden, int layers, int heads, int kvHeads, int headDim, int ffn) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, std, contextLength, ropeTheta, rmsEps);
        }

        public Spec withTied(boolean t) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, t, type, seed, std, contextLength, ropeTheta, rmsEps);
        }

        public Spec withType(GgmlType t) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, t, seed, std, contextLength, ropeTheta, rmsEps);
        }

        public Spec withSeed(long s) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, s, std, contextLength, ropeTheta, rmsEps);
        }

        public Spec withStd(float s) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, s, contextLength, ropeTheta, rmsEps);
        }

        public Spec withVocab(int v) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, v, tied, type, seed, std, contextLength, ropeTheta, rmsEps);
        }
    }

    /** llama_ftype values for general.file_type (llama.h). */
    private static int fileType(GgmlType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("random models support F32, F16, BF16, Q8_0, Q4_0, not " + t);
        };
    }

    public static void write(Spec s, Path path) throws IOException {
        var vocab = SyntheticVocabulary.create(s.vocab());
        String a = s.architecture();
        var w = new GgufWriter();
        w.putString("general.architecture", a);
        w.putString("general.type", "model");
        w.putString("general.name", "random-" + a + "-" + s.type().name().toLowerCase());
        w.putUInt32("general.file_type", fileType(s.type()));
        w.putUInt32("general.quantization_version", 2);
        w.putUInt32(a + ".block_count", s.layers());
        w.putUInt32(a + ".context_length", s.contextLength());
        w.putUInt32(a + ".embedding_length", s.hidden());
        w.putUInt32(a + ".feed_forward_length", s.ffn());
        w.putUInt32(a + ".attention.head_count", s.heads());
        w.putUInt32(a + ".attention.head_count_kv", s.kvHeads());
        w.putFloat32(a + ".rope.freq_base", s.ropeTheta());
        w.putFloat32(a + ".attention.layer_norm_rms_epsilon", s.rmsEps());
        // Qwen2 configs have no head_dim: the converter writes key_length only when it differs from hidden/heads.
        if (!a.equals("qwen2") || s.heads() * s.headDim() != s.hidden()) {
            w.putUInt32(a + ".attention.key_length", s.headDim());
            w.putUInt32(a + ".attention.value_length", s.headDim());
        }
        w.putString("tokenizer.ggml.model", "gpt2");
        w.putString("tokenizer.ggml.pre", "qwen2");
        w.putStringArray("tokenizer.ggml.tokens", vocab.tokens());
        w.putInt32Array("tokenizer.ggml.token_type", vocab.types());
        w.putStringArray("tokenizer.ggml.merges", vocab.merges());
        w.putUInt32("tokenizer.ggml.eos_token_id", vocab.imEnd());
        w.putUInt32("tokenizer.ggml.padding_token_id", vocab.endOfText());
        w.putUInt32("tokenizer.ggml.bos_token_id", vocab.endOfText());
        w.putBool("tokenizer.ggml.add_bos_token", false);
        w.putString("tokenizer.chat_template", CHATML_TEMPLATE);

        int q = s.heads() * s.headDim();
        int kv = s.kvHeads() * s.headDim();
        matrix(w, s, "token_embd.weight", s.vocab(), s.hidden());
        for (int l = 0; l < s.layers(); l++) {
            String p = "blk." + l + ".";
            norm(w, s, p + "attn_norm.weight", s.hidden());
            matrix(w, s, p + "attn_q.weight", q, s.hidden());
            matrix(w, s, p + "attn_k.weight", kv, s.hidden());
            matrix(w, s, p + "attn_v.weight", kv, s.hidden());
            if (a.equals("qwen2")) {
                bias(w, s, p + "attn_q.bias", q);
                bias(w, s, p + "attn_k.bias", kv);
                bias(w, s, p + "attn_v.bias", kv);
            } else {
                norm(w, s, p + "attn_q_norm.weight", s.headDim());
                norm(w, s, p + "attn_k_norm.weight", s.headDim());
            }
            matrix(w, s, p + "attn_output.weight", s.hidden(), q);
            norm(w, s, p + "ffn_norm.weight", s.hidden());
            matrix(w, s, p + "ffn_gate.weight", s.ffn(), s.hidden());
            matrix(w, s, p + "ffn_up.weight", s.ffn(), s.hidden());
            matrix(w, s, p + "ffn_down.weight", s.hidden(), s.ffn());
        }
        norm(w, s, "output_norm.weight", s.hidden());
        if (!s.tied()) matrix(w, s, "output.weight", s.vocab(), s.hidden());
        w.write(path);
    }

    private static final String CHATML_TEMPLATE =
            "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{'<|im_start|>assistant\\n'}}{% endif %}";

    private static void matrix(GgufWriter w, Spec s, String name, int rows, int cols) {
        float[] data = gaussian(s.seed(), name, rows * cols, 0f, s.std());
        w.addTensor(name, s.type(), new long[] {cols, rows}, Quantizer.quantize(s.type(), data));
    }

    /** Norm weights around 1 (as trained models have), kept in F32 as llama.cpp's converter does for 1-D tensors. */
    private static void norm(GgufWriter w, Spec s, String name, int n) {
        w.addTensor(name, GgmlType.F32, new long[] {n}, Quantizer.quantize(GgmlType.F32, gaussian(s.seed(), name, n, 1f, 0.1f)));
    }

    private static void bias(GgufWriter w, Spec s, String name, int n) {
        w.addTensor(name, GgmlType.F32, new long[] {n}, Quantizer.quantize(GgmlType.F32, gaussian(s.seed(), name, n, 0f, 0.1f)));
    }

    private static float[] gaussian(long seed, String name, int n, float mean, float std) {
        var crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        var rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ crc.getValue());
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (mean + std * rng.nextGaussian());
        return out;
    }
}
