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

    /**
     * The tokenizer of a GGUF file: its vocabulary with the pre-tokenizer {@code tokenizer.ggml.pre} names
     * ({@code qwen2} and its aliases, or {@code qwen35}), as llama.cpp's {@code llama_vocab::impl::load} maps it.
     */
    public static Tokenizer tokenizer(GgufFile gguf) throws GgufFormatException {
        String pre = gguf.getString("tokenizer.ggml.pre", "qwen2");
        var preTokenizer = switch (pre) {
            case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2" -> PreTokenizer.QWEN2;
            case "qwen35" -> PreTokenizer.QWEN35;
            default -> throw new GgufFormatException(gguf.path() + ": tokenizer.ggml.pre '" + pre
                    + "' is not supported (supported: qwen2, deepseek-r1-qwen, kormo, f2llmv2, qwen35)");
        };
        return Tokenizer.create(read(gguf), preTokenizer);
    }

    private static int id(GgufFile gguf, String key, int vocab) throws GgufFormatException {
        long id = gguf.getLong(key, -1);
        if (id < -1 || id >= vocab) {
            throw new GgufFormatException(gguf.path() + ": " + key + " = " + id + " is outside the vocabulary of " + vocab);
        }
        return (int) id;
    }
}
