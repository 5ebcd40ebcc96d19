package io.qwen4j.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Logits of every position of a token sequence: the conformance contract shared with llama.cpp's dumps
 * (raw little-endian float32 {@code [n_tokens][n_vocab]}, row i = logits after token i).
 */
public final class Logits {
    private Logits() {}

    /** How the tokens go through the model. */
    public enum Mode {
        /** All tokens in one forward pass: the prompt path. */
        BATCH,
        /** One token per forward pass: the decode path. */
        STEP
    }

    public static float[] compute(LanguageModel lm, int[] tokens, Mode mode) {
        int vocab = lm.config().vocabSize();
        KvCache cache = lm.newCache(Math.max(1, tokens.length));
        float[] logits = new float[tokens.length * vocab];
        if (mode == Mode.STEP) {
            float[] row = new float[vocab];
            for (int i = 0; i < tokens.length; i++) {
                lm.forward(cache, tokens, i, 1, row, false);
                System.arraycopy(row, 0, logits, i * vocab, vocab);
            }
        } else {
            lm.forward(cache, tokens, 0, tokens.length, logits, true);
        }
        return logits;
    }

    public static void write(float[] values, Path path) throws IOException {
        var buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        try (OutputStream os = Files.newOutputStream(path)) {
            os.write(buf.array());
        }
    }

    public static float[] read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length % Float.BYTES != 0) throw new IOException(path + ": size " + bytes.length + " is not a multiple of 4");
        float[] out = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
