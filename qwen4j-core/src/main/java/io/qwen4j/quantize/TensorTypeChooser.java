package io.qwen4j.quantize;

import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.tensor.GgmlType;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses each tensor's output type as llama-quantize does without an importance matrix (llama.cpp
 * src/llama-quant.cpp: tensor_allows_quantization, llama_tensor_get_type, llama_tensor_get_type_impl and
 * tensor_type_fallback), restricted to the recipes of {@link Recipe}. The attn_v and ffn_down counters advance in
 * the order tensors are visited, so the list must be in llama-quantize's order ({@link ModelQuantizer#LLAMA_ORDER}).
 */
final class TensorTypeChooser {

    /** The model facts the rules read: block_count, expert_count, and llama.cpp's LLM_TYPE_70B (Qwen2 with 80 layers). */
    record ModelFacts(int layers, int experts, boolean is70B) {
        static ModelFacts of(String architecture, int layers, int experts) {
            // llama.cpp marks Qwen2 with 80 layers (Qwen2/2.5-72B) LLM_TYPE_70B, which gives attn_v more bits (models/qwen2.cpp)
            return new ModelFacts(layers, experts, architecture.equals("qwen2") && layers == 80);
        }
    }

    private enum Category { TOKEN_EMBD, ATTENTION_Q, ATTENTION_V, ATTENTION_K, ATTENTION_QKV, ATTENTION_KV_B,
        ATTENTION_OUTPUT, FFN_UP, FFN_GATE, FFN_DOWN, OUTPUT, OTHER }

    private TensorTypeChooser() {}

    /** The output type of each tensor, in the given order; {@code pure} gives every quantizable tensor the base type. */
    static List<GgmlType> choose(List<GgufTensorInfo> tensors, Recipe recipe, boolean pure, ModelFacts model) {
        int nAttentionV = 0;
        boolean tiedEmbeddings = true;
        for (GgufTensorInfo t : tensors) {
            Category c = category(t.name());
            if (isAttentionV(c)) nAttentionV++;
            if (c == Category.OUTPUT) tiedEmbeddings = false;
        }
        var counters = new Counters(nAttentionV, model.layers());
        var types = new ArrayList<GgmlType>(tensors.size());
        for (GgufTensorInfo t : tensors) {
            if (!allowsQuantization(t)) {
                types.add(t.type());
                continue;
            }
            GgmlType type = recipe.baseType;
            if (!pure) type = mixType(t, category(t.name()), type, recipe, model, tiedEmbeddings, counters);
            types.add(fallback(t, type));
        }
        return types;
    }

    private static final class Counters {
        final int nAttentionV;
        final int nFfnDown;
        int iAttentionV;
        int iFfnDown;

        Counters(int nAttentionV, int nFfnDown) {
            this.nAttentionV = nAttentionV;
            this.nFfnDown = nFfnDown;
        }
    }

    /** tensor_get_category: broad roles by name. */
    private static Category category(String name) {
        if (name.equals("output.weight")) return Category.OUTPUT;
        if (name.equals("token_embd.weight") || name.equals("per_layer_token_embd.weight")) return Category.TOKEN_EMBD;
        if (name.contains("attn_qkv.weight")) return Category.ATTENTION_QKV;
        if (name.contains("attn_kv_b.weight")) return Category.ATTENTION_KV_B;
        if (name.contains("attn_v.weight")) return Category.ATTENTION_V;
        if (name.contains("attn_k.weight")) return Category.ATTENTION_K;
        if (name.contains("attn_q.weight")) return Category.ATTENTION_Q;
        if (name.contains("attn_output.weight")) return Category.ATTENTION_OUTPUT;
        if (name.contains("ffn_up")) return Category.FFN_UP;
        if (name.contains("ffn_gate")) return Category.FFN_GATE;
        if (name.contains("ffn_down")) return Category.FFN_DOWN;
        return Category.OTHER;
    }

    private static boolean isAttentionV(Category c) {
        return c == Category.ATTENTION_V || c == Category.ATTENTION_QKV || c == Category.ATTENTION_KV_B;
    }

    /** Name parts of 2-D weights llama-quantize leaves as they are (tensor_allows_quantization). */
    private static final List<String> NEVER_QUANTIZED = List.of("_norm.weight", "ffn_gate_inp.weight",
            "ffn_gate_tid2eid.weight", "altup", "laurel", "per_layer_model_proj", "ssm_conv1d", "shortconv.conv.weight",
            "indexer.k_proj.weight", "indexer.q_proj.weight", "time_mix_first.weight", "time_mix_w0.weight",
            "time_mix_w1.weight", "time_mix_w2.weight", "time_mix_v0.weight", "time_mix_v1.weight", "time_mix_v2.weight",
            "time_mix_a0.weight", "time_mix_a1.weight", "time_mix_a2.weight", "time_mix_g1.weight", "time_mix_g2.weight",
            "time_mix_decay_w1.weight", "time_mix_decay_w2.weight", "time_mix_lerp_fused.weight", "attn_rel_b.weight",
            ".position_embd", "sam.pos_embd", "sam.neck.", "sam.net_", ".rel_pos", ".patch_embd", ".patch_merger",
            "a.rvq.codebook", "mm.a.code_embd");

    /** tensor_allows_quantization: 2-D and 3-D weights, except norms, routers and other small or sensitive tensors. */
    static boolean allowsQuantization(GgufTensorInfo t) {
        if (nDims(t.shape()) < 2) return false;
        String name = t.name();
        if (!name.endsWith("weight")) return false;
        if (name.equals("position_embd.weight") || name.equals("token_types.weight")) return false;
        for (String part : NEVER_QUANTIZED) if (name.contains(part)) return false;
        return true;
    }

    /** ggml_n_dims: the rank without trailing dimensions of size 1 (at least 1). */
    static int nDims(long[] shape) {
        for (int i = shape.length - 1; i >= 1; i--) if (shape[i] > 1) return i + 1;
        return 1;
    }

    /** llama_tensor_get_type_impl for the recipes we make: which tensors get more bits. */
    private static GgmlType mixType(GgufTensorInfo t, Category c, GgmlType type, Recipe recipe, ModelFacts model,
                                    boolean tiedEmbeddings, Counters n) {
        // The output matrix (and a token embedding that doubles as it) is the most sensitive: Q6_K, or Q8_0 when rows don't fit 256-blocks.
        if (c == Category.OUTPUT || (tiedEmbeddings && c == Category.TOKEN_EMBD)) {
            if (t.shape()[0] % type.blockSize != 0) return GgmlType.Q8_0;
            return type != GgmlType.Q8_0 ? GgmlType.Q6_K : type;
        }
        if (c == Category.TOKEN_EMBD) return type;
        if (isAttentionV(c)) {
            if ((recipe == Recipe.Q4_K_M || recipe == Recipe.Q5_K_M) && useMoreBits(n.iAttentionV, n.nAttentionV)) {
                type = GgmlType.Q6_K;
            } else if (recipe == Recipe.Q4_K_S && n.iAttentionV < 4) {
                type = GgmlType.Q5_K;
            }
            if (model.is70B() && (type == GgmlType.Q3_K || type == GgmlType.Q4_K)) type = GgmlType.Q5_K;
            if (model.experts() == 8) type = GgmlType.Q8_0;
            n.iAttentionV++;
            return type;
        }
        if (c == Category.ATTENTION_K) return model.experts() == 8 ? GgmlType.Q8_0 : type;
        if (c == Category.FFN_DOWN) {
            int layer = layer(t.name(), n.iFfnDown, n.nFfnDown, model);
            int layers = n.nFfnDown;
            if ((recipe == Recipe.Q4_K_M || recipe == Recipe.Q5_K_M) && useMoreBits(layer, layers)) {
                type = GgmlType.Q6_K;
            } else if (recipe == Recipe.Q4_K_S && layer < layers / 8) {
                type = GgmlType.Q5_K;
            }
            n.iFfnDown++;
            return type;
        }
        if (c == Category.ATTENTION_OUTPUT && model.experts() == 8 && (recipe == Recipe.Q4_K_S || recipe == Recipe.Q4_K_M)) {
            return GgmlType.Q5_K;
        }
        return type;
    }

    /** The first and last eighth of the layers and every third in between. */
    private static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
    }

    /** layer_info: the visit counter for dense models; for MoE models the block number in the name. */
    private static int layer(String name, int counter, int layers, ModelFacts model) {
        if (Math.max(1, model.experts()) == 1) return counter;
        if (!name.startsWith("blk.")) throw new IllegalArgumentException("failed to determine the layer of tensor " + name);
        int end = name.indexOf('.', 4);
        int layer;
        try {
            layer = Integer.parseInt(name.substring(4, end < 0 ? name.length() : end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failed to determine the layer of tensor " + name);
        }
        if (layer < 0 || layer >= layers) throw new IllegalArgumentException("bad layer " + layer + " for tensor " + name + " (block_count " + layers + ")");
        return layer;
    }

    /** tensor_type_fallback: a row length that is not a multiple of 256 takes the nearest 32-block type, or F16. */
    static GgmlType fallback(GgufTensorInfo t, GgmlType type) {
        long cols = t.shape()[0];
        if (cols % type.blockSize == 0) return type;
        GgmlType fallback = switch (type) {
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case Q6_K -> GgmlType.Q8_0;
            default -> type;
        };
        return cols % fallback.blockSize == 0 ? fallback : GgmlType.F16;
    }
}
