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
 * Writes a GGUF file of any Qwen architecture llama.cpp runs (qwen2, qwen3, qwen3moe, qwen35, qwen35moe, qwen3next) with random weights and a {@link SyntheticVocabulary}, laid out and named the
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
                       float ropeTheta, float rmsEps, Moe moe, Hybrid hybrid) {

        public Spec {
            if (!ARCHITECTURES.contains(architecture)) {
                throw new IllegalArgumentException("random models are one of " + ARCHITECTURES + ", not " + architecture);
            }
            if (vocab < SyntheticVocabulary.minimumSize()) {
                throw new IllegalArgumentException("vocab must be at least " + SyntheticVocabulary.minimumSize());
            }
            if (isMoe(architecture) != (moe != null) || isHybrid(architecture) != (hybrid != null)) {
                throw new IllegalArgumentException(architecture + " needs " + (isMoe(architecture) ? "" : "no ")
                        + "expert settings and " + (isHybrid(architecture) ? "" : "no ") + "DeltaNet settings");
            }
            if (moe != null && (moe.sharedFfn() > 0) != !architecture.equals("qwen3moe")) {
                throw new IllegalArgumentException(architecture + (architecture.equals("qwen3moe") ? " has no" : " needs a") + " shared expert");
            }
            if (hybrid != null && (hybrid.ropeDims() > headDim || hybrid.valueHeads() % hybrid.keyHeads() != 0)) {
                throw new IllegalArgumentException("rope dims must be at most the head dim and value heads a multiple of key heads: " + hybrid);
            }
        }

        /** A tiny Qwen3 (about 1 MB in F32): the demo model. */
        public static Spec tinyQwen3() {
            return new Spec("qwen3", 64, 2, 4, 2, 32, 128, 384, true, GgmlType.F32, 42, 0.08f, 4096, 1_000_000f, 1e-6f, null, null);
        }

        /** Switches the architecture, with default expert and DeltaNet settings where the new one needs them. */
        public Spec withArchitecture(String a) {
            Moe m = !isMoe(a) ? null : moe != null && (moe.sharedFfn() > 0) == !a.equals("qwen3moe") ? moe
                    : new Moe(8, 2, 64, a.equals("qwen3moe") ? 0 : 64);
            Hybrid h = !isHybrid(a) ? null : hybrid != null ? hybrid : new Hybrid(2, 4, 32, 4, 4, Math.min(16, headDim));
            return new Spec(a, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, std, contextLength, ropeTheta, rmsEps, m, h);
        }

        public Spec withMoe(Moe m) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, std, contextLength, ropeTheta, rmsEps, m, hybrid);
        }

        public Spec withHybrid(Hybrid h) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, std, contextLength, ropeTheta, rmsEps, moe, h);
        }

        public Spec withShape(int hidden, int layers, int heads, int kvHeads, int headDim, int ffn) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, std, contextLength, ropeTheta, rmsEps, moe, hybrid);
        }

        public Spec withTied(boolean t) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, t, type, seed, std, contextLength, ropeTheta, rmsEps, moe, hybrid);
        }

        public Spec withType(GgmlType t) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, t, seed, std, contextLength, ropeTheta, rmsEps, moe, hybrid);
        }

        public Spec withSeed(long s) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, s, std, contextLength, ropeTheta, rmsEps, moe, hybrid);
        }

        public Spec withStd(float s) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, vocab, tied, type, seed, s, contextLength, ropeTheta, rmsEps, moe, hybrid);
        }

        public Spec withVocab(int v) {
            return new Spec(architecture, hidden, layers, heads, kvHeads, headDim, ffn, v, tied, type, seed, std, contextLength, ropeTheta, rmsEps, moe, hybrid);
        }
    }

    /**
     * Experts of the MoE architectures (qwen3moe has no shared expert; qwen35moe and qwen3next always have one).
     *
     * @param sharedFfn inner width of the shared expert, 0 for none
     */
    public record Moe(int experts, int used, int expertFfn, int sharedFfn) {}

    /**
     * The DeltaNet layers of the hybrid architectures (every {@code fullAttentionInterval}-th layer is attention).
     *
     * @param keyHeads   ssm.group_count
     * @param valueHeads ssm.time_step_rank (key and value heads are {@code stateSize} wide)
     * @param ropeDims   rope.dimension_count of the attention layers
     */
    public record Hybrid(int keyHeads, int valueHeads, int stateSize, int convKernel, int fullAttentionInterval, int ropeDims) {}

    public static final java.util.List<String> ARCHITECTURES = java.util.List.of("qwen2", "qwen3", "qwen3moe", "qwen35", "qwen35moe", "qwen3next");

    static boolean isMoe(String a) {
        return a.equals("qwen3moe") || a.equals("qwen35moe") || a.equals("qwen3next");
    }

    static boolean isHybrid(String a) {
        return a.equals("qwen35") || a.equals("qwen35moe") || a.equals("qwen3next");
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
        boolean denseFfn = !isMoe(a) || a.equals("qwen3moe");
        if (denseFfn) w.putUInt32(a + ".feed_forward_length", s.ffn());
        w.putUInt32(a + ".attention.head_count", s.heads());
        w.putUInt32(a + ".attention.head_count_kv", s.kvHeads());
        if (a.equals("qwen35") || a.equals("qwen35moe")) {
            w.putInt32Array(a + ".rope.dimension_sections", new int[] {11, 11, 10, 0});
        }
        w.putFloat32(a + ".rope.freq_base", s.ropeTheta());
        w.putFloat32(a + ".attention.layer_norm_rms_epsilon", s.rmsEps());
        // Qwen2 configs have no head_dim: the converter writes key_length only when it differs from hidden/heads.
        if (!a.equals("qwen2") || s.heads() * s.headDim() != s.hidden()) {
            w.putUInt32(a + ".attention.key_length", s.headDim());
            w.putUInt32(a + ".attention.value_length", s.headDim());
        }
        Moe moe = s.moe();
        if (moe != null) {
            w.putUInt32(a + ".expert_count", moe.experts());
            w.putUInt32(a + ".expert_used_count", moe.used());
            w.putUInt32(a + ".expert_feed_forward_length", moe.expertFfn());
            if (moe.sharedFfn() > 0) w.putUInt32(a + ".expert_shared_feed_forward_length", moe.sharedFfn());
        }
        Hybrid hy = s.hybrid();
        if (hy != null) {
            w.putUInt32(a + ".ssm.conv_kernel", hy.convKernel());
            w.putUInt32(a + ".ssm.state_size", hy.stateSize());
            w.putUInt32(a + ".ssm.group_count", hy.keyHeads());
            w.putUInt32(a + ".ssm.time_step_rank", hy.valueHeads());
            w.putUInt32(a + ".ssm.inner_size", hy.valueHeads() * hy.stateSize());
            w.putUInt32(a + ".full_attention_interval", hy.fullAttentionInterval());
            w.putUInt32(a + ".rope.dimension_count", hy.ropeDims());
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
            if (hy != null && (l + 1) % hy.fullAttentionInterval() != 0) {
                deltaNet(w, s, p, hy);
            } else {
                // The hybrids' attention projects per head [q | gate].
                matrix(w, s, p + "attn_q.weight", hy != null ? 2 * q : q, s.hidden());
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
            }
            norm(w, s, p + (hy != null ? "post_attention_norm.weight" : "ffn_norm.weight"), s.hidden());
            if (moe != null) {
                experts(w, s, p, moe);
            } else {
                matrix(w, s, p + "ffn_gate.weight", s.ffn(), s.hidden());
                matrix(w, s, p + "ffn_up.weight", s.ffn(), s.hidden());
                matrix(w, s, p + "ffn_down.weight", s.hidden(), s.ffn());
            }
        }
        norm(w, s, "output_norm.weight", s.hidden());
        if (!s.tied()) matrix(w, s, "output.weight", s.vocab(), s.hidden());
        w.write(path);
    }

    /** A Gated DeltaNet layer's tensors as llama.cpp's converter writes them for qwen35 (qwen3next: fused ssm_ba). */
    private static void deltaNet(GgufWriter w, Spec s, String p, Hybrid hy) {
        int d = hy.stateSize();
        int nv = hy.valueHeads();
        int channels = 2 * hy.keyHeads() * d + nv * d;
        matrix(w, s, p + "attn_qkv.weight", channels, s.hidden());
        matrix(w, s, p + "attn_gate.weight", nv * d, s.hidden());
        // PyTorch's Conv1d initialisation U(-1/sqrt(K), 1/sqrt(K)), kept F32 like every small tensor.
        float bound = (float) (1 / Math.sqrt(hy.convKernel()));
        f32(w, p + "ssm_conv1d.weight", new long[] {hy.convKernel(), channels}, uniform(s.seed(), p + "ssm_conv1d.weight", channels * hy.convKernel(), -bound, bound));
        f32(w, p + "ssm_dt.bias", new long[] {nv}, uniform(s.seed(), p + "ssm_dt.bias", nv, -1f, 1.5f));
        // ssm_a stores -exp(A_log) = -A with A log-uniform in [0.05, 1], so per-token decays stay in (0.25, 1).
        float[] logA = uniform(s.seed(), p + "ssm_a", nv, (float) Math.log(0.05), 0f);
        float[] ssmA = new float[nv];
        for (int i = 0; i < nv; i++) ssmA[i] = (float) -Math.exp(logA[i]);
        f32(w, p + "ssm_a", new long[] {nv}, ssmA);
        if (s.architecture().equals("qwen3next")) {
            matrix(w, s, p + "ssm_ba.weight", 2 * nv, s.hidden());
        } else {
            matrix(w, s, p + "ssm_beta.weight", nv, s.hidden());
            matrix(w, s, p + "ssm_alpha.weight", nv, s.hidden());
        }
        norm(w, s, p + "ssm_norm.weight", d);
        matrix(w, s, p + "ssm_out.weight", s.hidden(), nv * d);
    }

    /** Router (F32), the experts as 3-D stacks [experts][ffn][hidden], and the shared expert with its F32 gate. */
    private static void experts(GgufWriter w, Spec s, String p, Moe moe) {
        int e = moe.experts();
        int f = moe.expertFfn();
        int h = s.hidden();
        f32(w, p + "ffn_gate_inp.weight", new long[] {h, e}, gaussian(s.seed(), p + "ffn_gate_inp.weight", e * h, 0f, s.std()));
        for (String name : new String[] {"ffn_gate_exps.weight", "ffn_up_exps.weight"}) {
            w.addTensor(p + name, s.type(), new long[] {h, f, e}, Quantizer.quantize(s.type(), gaussian(s.seed(), p + name, e * f * h, 0f, s.std())));
        }
        w.addTensor(p + "ffn_down_exps.weight", s.type(), new long[] {f, h, e},
                Quantizer.quantize(s.type(), gaussian(s.seed(), p + "ffn_down_exps.weight", e * f * h, 0f, s.std())));
        if (moe.sharedFfn() > 0) {
            f32(w, p + "ffn_gate_inp_shexp.weight", new long[] {h}, gaussian(s.seed(), p + "ffn_gate_inp_shexp.weight", h, 0f, s.std()));
            matrix(w, s, p + "ffn_gate_shexp.weight", moe.sharedFfn(), h);
            matrix(w, s, p + "ffn_up_shexp.weight", moe.sharedFfn(), h);
            matrix(w, s, p + "ffn_down_shexp.weight", h, moe.sharedFfn());
        }
    }

    private static void f32(GgufWriter w, String name, long[] shape, float[] data) {
        w.addTensor(name, GgmlType.F32, shape, Quantizer.quantize(GgmlType.F32, data));
    }

    private static float[] uniform(long seed, String name, int n, float lo, float hi) {
        var rng = rng(seed, name);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return out;
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

    private static SplittableRandom rng(long seed, String name) {
        var crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ crc.getValue());
    }

    private static float[] gaussian(long seed, String name, int n, float mean, float std) {
        var rng = rng(seed, name);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (mean + std * rng.nextGaussian());
        return out;
    }
}
