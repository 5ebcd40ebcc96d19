package io.qwen4j.model.layers;

import io.qwen4j.model.ModelConfig;

/**
 * Activation buffers for up to {@link #capacity} tokens of one forward step, allocated once per model
 * so that decoding allocates nothing per token. Rows are token-major ({@code [token][feature]}).
 */
public final class Workspace {
    public final int capacity;
    /** Residual stream. */
    public final float[] x;
    /** Normalised input of the current sub-layer. */
    public final float[] xNorm;
    /** Output of the current sub-layer before it is added to the residual. */
    public final float[] delta;
    public final float[] q;
    public final float[] k;
    public final float[] v;
    /** Attention output per head, before the output projection. */
    public final float[] attn;
    public final float[] gate;
    public final float[] up;
    private final float[][] scratch = new float[8][];

    public Workspace(ModelConfig c, int capacity) {
        this.capacity = capacity;
        x = new float[capacity * c.hidden()];
        xNorm = new float[capacity * c.hidden()];
        delta = new float[capacity * c.hidden()];
        q = new float[capacity * c.qDim()];
        k = new float[capacity * c.kvDim()];
        v = new float[capacity * c.vDim()];
        attn = new float[capacity * c.heads() * c.valueDim()];
        gate = new float[capacity * c.ffn()];
        up = new float[capacity * c.ffn()];
    }

    /**
     * A buffer of at least {@code size} floats that layers other than the dense ones use for their intermediates;
     * one per {@code slot} (0..7), kept and grown across steps so that decode allocates nothing per token.
     */
    public float[] scratch(int slot, int size) {
        float[] b = scratch[slot];
        if (b == null || b.length < size) {
            b = new float[size];
            scratch[slot] = b;
        }
        return b;
    }
}
