package io.qwen4j.model;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;

/**
 * Hyper-parameters of the Gated DeltaNet layers of the hybrid models ({@code <arch>.ssm.*}, llama.cpp's LLM_KV names;
 * HF Qwen3NextConfig / Qwen3_5TextConfig {@code linear_*}).
 *
 * @param convKernel      width of the causal depthwise convolution ({@code ssm.conv_kernel})
 * @param keyDim          width of one key (and query) head ({@code ssm.state_size}, linear_key_head_dim)
 * @param keyHeads        key heads ({@code ssm.group_count}, linear_num_key_heads)
 * @param valueHeads      value heads ({@code ssm.time_step_rank}, linear_num_value_heads), a multiple of keyHeads
 * @param valueDim        width of one value head ({@code ssm.inner_size} / valueHeads)
 * @param groupedValues   value head h reads key head h / (valueHeads / keyHeads) (Hugging Face order, kept by qwen3next
 *                        files); otherwise h % keyHeads (qwen35 files: the converter reorders the value heads)
 * @param recurrent       per layer, whether it is a DeltaNet layer ({@code attention.recurrent_layers}, else every
 *                        layer but each {@code full_attention_interval}-th, as llama.cpp's hparams do)
 */
public record DeltaNetConfig(int convKernel, int keyDim, int keyHeads, int valueHeads, int valueDim,
                             boolean groupedValues, boolean[] recurrent) {

    public DeltaNetConfig {
        if (convKernel <= 0 || keyDim <= 0 || keyHeads <= 0 || valueHeads <= 0 || valueDim <= 0) {
            throw new IllegalArgumentException("ssm dimensions must be positive: conv_kernel " + convKernel + ", state_size "
                    + keyDim + ", group_count " + keyHeads + ", time_step_rank " + valueHeads + ", value dim " + valueDim);
        }
        if (valueHeads % keyHeads != 0) {
            throw new IllegalArgumentException("ssm.time_step_rank " + valueHeads + " is not a multiple of ssm.group_count " + keyHeads);
        }
        recurrent = recurrent.clone();
    }

    @Override
    public boolean[] recurrent() {
        return recurrent.clone();
    }

    public boolean isRecurrent(int layer) {
        return recurrent[layer];
    }

    /** The key head value head {@code h} reads. */
    public int keyHeadOf(int h) {
        return groupedValues ? h / (valueHeads / keyHeads) : h % keyHeads;
    }

    /** Channels of the mixed q|k|v projection (and of the convolution). */
    public int convChannels() {
        return 2 * keyHeads * keyDim + valueHeads * valueDim;
    }

    public int valueWidth() {
        return valueHeads * valueDim;
    }

    public static DeltaNetConfig fromGguf(GgufFile gguf, boolean groupedValues) throws GgufFormatException {
        String p = gguf.getString("general.architecture") + ".";
        int layers = Math.max(0, gguf.getInt(p + "block_count") - gguf.getInt(p + "nextn_predict_layers", 0));
        int valueHeads = gguf.getInt(p + "ssm.time_step_rank");
        int inner = gguf.getInt(p + "ssm.inner_size");
        boolean[] recurrent = new boolean[layers];
        if (gguf.has(p + "attention.recurrent_layers")) {
            int[] flags = gguf.getIntArray(p + "attention.recurrent_layers");
            for (int l = 0; l < layers && l < flags.length; l++) recurrent[l] = flags[l] != 0;
        } else {
            int interval = gguf.getInt(p + "full_attention_interval", 4);
            if (interval <= 0) throw new GgufFormatException(gguf.path() + ": " + p + "full_attention_interval must be positive, got " + interval);
            for (int l = 0; l < layers; l++) recurrent[l] = (l + 1) % interval != 0;
        }
        if (valueHeads <= 0 || inner % valueHeads != 0) {
            throw new GgufFormatException(gguf.path() + ": " + p + "ssm.inner_size " + inner + " is not a multiple of ssm.time_step_rank " + valueHeads);
        }
        try {
            return new DeltaNetConfig(gguf.getInt(p + "ssm.conv_kernel"), gguf.getInt(p + "ssm.state_size"),
                    gguf.getInt(p + "ssm.group_count"), valueHeads, inner / valueHeads, groupedValues, recurrent);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(gguf.path() + ": " + e.getMessage());
        }
    }
}
