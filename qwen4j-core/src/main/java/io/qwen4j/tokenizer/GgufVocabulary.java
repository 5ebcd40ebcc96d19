package io.qwen4j.tokenizer;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import java.util.Arrays;
import java.util.List;

/** Reads llama.cpp's {@code tokenizer.ggml.*} keys into a {@link Vocabulary}. */
public final class GgufVocabulary {
    private GgufVocabulary() {}

    public static Vocabulary read(GgufFile gguf) throws GgufFormatException {
        String model = gguf.getString("tokenizer.ggml.model", "gpt2");
        if (!model.equals("gpt2")) {
            throw new GgufFormatException(gguf.path() + ": tokenizer.ggml.model '" + model
                    + "' is not supported (Qwen models use byte-level BPE, 'gpt2')");
        }
        List<String> tokens = gguf.getStringArray("tokenizer.ggml.tokens");
        int[] types;
        if (gguf.has("tokenizer.ggml.token_type")) {
            types = gguf.getIntArray("tokenizer.ggml.token_type");
            if (types.length != tokens.size()) {
                throw new GgufFormatException(gguf.path() + ": tokenizer.ggml.token_type has " + types.length
                        + " entries for " + tokens.size() + " tokens");
            }
        } else {
            types = new int[tokens.size()];
            Arrays.fill(types, 1); // NORMAL
        }
        List<String> merges = gguf.has("tokenizer.ggml.merges") ? gguf.getStringArray("tokenizer.ggml.merges") : List.of();
        return new Vocabulary(tokens, types, merges,
                id(gguf, "tokenizer.ggml.bos_token_id", tokens.size()),
                id(gguf, "tokenizer.ggml.eos_token_id", tokens.size()),
                id(gguf, "tokenizer.ggml.eot_token_id", tokens.size()),
                id(gguf, "tokenizer.ggml.padding_token_id", tokens.size()),
                gguf.getBoolean("tokenizer.ggml.add_bos_token", false));
    }

    private static int id(GgufFile gguf, String key, int vocab) throws GgufFormatException {
        long id = gguf.getLong(key, -1);
        if (id < -1 || id >= vocab) {
            throw new GgufFormatException(gguf.path() + ": " + key + " = " + id + " is outside the vocabulary of " + vocab);
        }
        return (int) id;
    }
}
