package io.qwen4j.model;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;

/**
 * Hyper-parameters of the mixture-of-experts feed-forward blocks ({@code <arch>.expert_*} keys, llama.cpp's LLM_KV names).
 *
 * @param experts          experts per layer ({@code expert_count})
 * @param expertsUsed      experts each token is routed to ({@code expert_used_count})
 * @param expertFfn        inner width of one expert ({@code expert_feed_forward_length})
 * @param sharedFfn        inner width of the always-on shared expert ({@code expert_shared_feed_forward_length}); 0: none
 * @param normalizeWeights whether the top-k router probabilities are rescaled to sum to one ({@code expert_weights_norm};
 *                         Qwen's MoE models always do, llama.cpp passes norm_w = true for them)
 */
public record MoeConfig(int experts, int expertsUsed, int expertFfn, int sharedFfn, boolean normalizeWeights) {

    public MoeConfig {
        if (experts <= 0 || expertsUsed <= 0 || expertsUsed > experts || expertFfn <= 0 || sharedFfn < 0) {
            throw new IllegalArgumentException("expert_count " + experts + ", expert_used_count " + expertsUsed
                    + ", expert_feed_forward_length " + expertFfn + ": need 0 < used <= count and a positive width");
        }
    }

    public static MoeConfig fromGguf(GgufFile gguf) throws GgufFormatException {
        String p = gguf.getString("general.architecture") + ".";
        try {
            return new MoeConfig(
                    gguf.getInt(p + "expert_count"),
                    gguf.getInt(p + "expert_used_count"),
                    gguf.getInt(p + "expert_feed_forward_length"),
                    gguf.getInt(p + "expert_shared_feed_forward_length", 0),
                    gguf.getBoolean(p + "expert_weights_norm", true));
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(gguf.path() + ": " + e.getMessage());
        }
    }
}
