package io.qwen4j.model;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.layers.Attention;
import io.qwen4j.model.layers.GatedDeltaNet;
import io.qwen4j.model.layers.RmsNorm;
import io.qwen4j.model.layers.SwiGluMlp;
import io.qwen4j.model.layers.TransformerBlock;
import io.qwen4j.model.layers.Workspace;
import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Parallel;

/**
 * The decoder every Qwen model is: token embedding, pre-norm blocks (a token mixer and a feed-forward half each),
 * final RMSNorm, output projection (tied to the embedding when {@code output.weight} is absent, as llama.cpp does).
 * The blocks are what the families differ by: attention + SwiGLU for Qwen2/2.5/3, attention + experts for
 * Qwen3-MoE, Gated DeltaNet or gated attention + SwiGLU or experts for the hybrids (see {@code model.arch}).
 * The forward pass processes a batch of tokens at once (prompt processing); decode is the batch of one.
 */
public final class TransformerDecoder implements LanguageModel {

    /** How the attention of a dense family differs: Qwen2 has q/k/v biases, Qwen3 normalises q and k per head. */
    public record AttentionFlavor(boolean qkvBias, boolean qkNorm) {}

    /** Builds block {@code layer} of an architecture from its tensors. */
    @FunctionalInterface
    public interface BlockLoader {
        TransformerBlock load(WeightLoader w, ModelConfig c, int layer) throws GgufFormatException;
    }

    /** Tokens per forward step; longer prompts are split (llama.cpp's n_ubatch). */
    public static final int MAX_BATCH = 512;

    private final ModelConfig config;
    private final GgufFile gguf;
    private final Matrix embedding;
    private final TransformerBlock[] blocks;
    private final RmsNorm outputNorm;
    private final Matrix output;
    private final Parallel pool;
    private Workspace workspace;
    private float[] lastHidden;
    private final TokenPlacement placement = new TokenPlacement(MAX_BATCH);
    /** Some block keeps a recurrent state (a hybrid model). */
    private final boolean recurrent;

    private TransformerDecoder(ModelConfig config, GgufFile gguf, Matrix embedding, TransformerBlock[] blocks,
                             RmsNorm outputNorm, Matrix output, Parallel pool) {
        this.config = config;
        this.gguf = gguf;
        this.embedding = embedding;
        this.blocks = blocks;
        this.outputNorm = outputNorm;
        this.output = output;
        this.pool = pool;
        this.recurrent = java.util.Arrays.stream(blocks).anyMatch(b -> b.mixer() instanceof GatedDeltaNet);
    }

    /** A dense Qwen2/Qwen3: attention with the given flavor and a SwiGLU MLP in every block. */
    public static TransformerDecoder load(GgufFile gguf, AttentionFlavor flavor, Parallel pool) throws GgufFormatException {
        var attention = new Attention.Flavor(flavor.qkvBias(), flavor.qkNorm(), false);
        return load(gguf, pool, (w, c, l) -> new TransformerBlock(
                RmsNorm.load(w, "blk." + l + ".attn_norm.weight", c),
                Attention.load(w, c, l, attention),
                RmsNorm.load(w, "blk." + l + ".ffn_norm.weight", c),
                SwiGluMlp.load(w, "blk." + l + ".", "", c.ffn(), c.hidden())));
    }

    /** A model whose blocks {@code blocks} builds; embedding, final norm and output are the same for every family. */
    public static TransformerDecoder load(GgufFile gguf, Parallel pool, BlockLoader blockLoader) throws GgufFormatException {
        var w = new WeightLoader(gguf);
        var embInfo = gguf.tensor("token_embd.weight").orElseThrow(
                () -> new GgufFormatException(gguf.path() + ": missing tensor 'token_embd.weight'"));
        if (embInfo.rank() != 2 || embInfo.dim(1) > Integer.MAX_VALUE) {
            throw new GgufFormatException("tensor 'token_embd.weight' must be 2-D [hidden, vocab]");
        }
        ModelConfig c = ModelConfig.fromGguf(gguf, (int) embInfo.dim(1));
        Matrix embedding = w.matrix("token_embd.weight", c.vocabSize(), c.hidden());
        var blocks = new TransformerBlock[c.layers()];
        for (int l = 0; l < c.layers(); l++) blocks[l] = blockLoader.load(w, c, l);
        var outputNorm = RmsNorm.load(w, "output_norm.weight", c);
        Matrix output = w.optionalMatrix("output.weight", c.vocabSize(), c.hidden()).orElse(embedding);
        return new TransformerDecoder(c, gguf, embedding, blocks, outputNorm, output, pool);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public GgufFile gguf() {
        return gguf;
    }

    /** True when the output projection reuses the token embedding. */
    public boolean tiedOutput() {
        return output == embedding;
    }

    @Override
    public KvCache newCache(int contextSize) {
        var recurrent = new KvCache.RecurrentShape[blocks.length];
        for (int l = 0; l < blocks.length; l++) {
            if (blocks[l].mixer() instanceof GatedDeltaNet g) recurrent[l] = g.stateShape();
        }
        return new KvCache(contextSize, config.kvDim(), config.vDim(), recurrent);
    }

    @Override
    public synchronized void forward(KvCache cache, int[] tokens, int off, int n, float[] logits, boolean allRows) {
        if (n <= 0) throw new IllegalArgumentException("forward needs at least one token");
        if (cache.length() + n > cache.capacity()) {
            throw new IllegalStateException("context overflow: " + (cache.length() + n)
                    + " tokens do not fit the context of " + cache.capacity());
        }
        checkTokens(tokens, off, n);
        int hidden = config.hidden();
        int vocab = config.vocabSize();
        for (int done = 0; done < n; ) {
            int chunk = Math.min(MAX_BATCH, n - done);
            Workspace ws = workspace(chunk);
            run(ws, tokens, off + done, placement.sequence(cache, chunk));
            boolean last = done + chunk == n;
            if (allRows) {
                outputNorm.apply(ws.x, ws.xNorm, chunk);
                projectOutput(ws.xNorm, chunk, logits, done * vocab);
            } else if (last) {
                if (lastHidden == null) lastHidden = new float[hidden];
                outputNorm.applyRow(ws.x, (chunk - 1) * hidden, lastHidden, 0);
                output.matmul(lastHidden, logits, 1, pool);
            }
            done += chunk;
        }
    }

    /** All sequences' tokens go through each weight matrix together: one read of the weights per step. */
    @Override
    public synchronized void forwardEach(KvCache[] caches, int[] tokens, int n, float[] logits) {
        if (recurrent) {
            // A DeltaNet layer carries one recurrent state per sequence through its conv and delta-rule steps, so
            // hybrids run their sequences one after another (their attention layers would batch; the scan does not).
            placement.nextOfEach(caches, n); // the same checks as the batched path: distinct sequences
            LanguageModel.super.forwardEach(caches, tokens, n, logits);
            return;
        }
        if (n > MAX_BATCH) throw new IllegalArgumentException("at most " + MAX_BATCH + " sequences per step, got " + n);
        for (int i = 0; i < n; i++) {
            if (caches[i].length() >= caches[i].capacity()) {
                throw new IllegalStateException("context overflow: sequence " + i + " is full at " + caches[i].capacity() + " tokens");
            }
        }
        checkTokens(tokens, 0, n);
        Workspace ws = workspace(n);
        run(ws, tokens, 0, placement.nextOfEach(caches, n));
        outputNorm.apply(ws.x, ws.xNorm, n);
        output.matmul(ws.xNorm, logits, n, pool);
    }

    private void run(Workspace ws, int[] tokens, int off, TokenPlacement at) {
        int n = at.size();
        int hidden = config.hidden();
        for (int i = 0; i < n; i++) embedding.dequantizeRow(tokens[off + i], ws.x, i * hidden);
        for (TransformerBlock block : blocks) block.forward(ws, n, at, pool);
        at.advance();
    }

    private void checkTokens(int[] tokens, int off, int n) {
        for (int i = off; i < off + n; i++) {
            if (tokens[i] < 0 || tokens[i] >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
    }

    private void projectOutput(float[] normed, int rows, float[] logits, int logitsOff) {
        if (logitsOff == 0) {
            output.matmul(normed, logits, rows, pool);
        } else {
            float[] tmp = new float[rows * config.vocabSize()];
            output.matmul(normed, tmp, rows, pool);
            System.arraycopy(tmp, 0, logits, logitsOff, tmp.length);
        }
    }

    private Workspace workspace(int tokens) {
        if (workspace == null || workspace.capacity < tokens) {
            // Single-sequence decode needs one row; anything larger gets a full batch once and keeps it.
            workspace = new Workspace(config, tokens == 1 ? 1 : MAX_BATCH);
        }
        return workspace;
    }

    @Override
    public void close() {
        pool.close();
        gguf.close();
    }
}
