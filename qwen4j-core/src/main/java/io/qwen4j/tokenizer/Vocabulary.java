package io.qwen4j.tokenizer;

import java.util.List;

/**
 * A byte-level BPE vocabulary as llama.cpp stores it in GGUF ({@code tokenizer.ggml.*}): token strings in
 * GPT-2's byte-to-unicode alphabet (special tokens as plain text), llama token types, merges as {@code "a b"}
 * strings in rank order, and the special ids ({@code -1} where absent).
 */
public record Vocabulary(List<String> tokens, int[] tokenTypes, List<String> merges,
                         int bosId, int eosId, int eotId, int padId, boolean addBos) {

    // llama_token_type values (llama.h), as written to tokenizer.ggml.token_type
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;
    public static final int BYTE = 6;

    public Vocabulary {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
        if (tokenTypes.length != tokens.size()) {
            throw new IllegalArgumentException("vocabulary has " + tokens.size() + " tokens but "
                    + tokenTypes.length + " token types");
        }
        for (var named : new Object[][] {{"bos", bosId}, {"eos", eosId}, {"eot", eotId}, {"padding", padId}}) {
            int id = (int) named[1];
            if (id < -1 || id >= tokens.size()) {
                throw new IllegalArgumentException(named[0] + " token id " + id + " is outside the vocabulary of "
                        + tokens.size() + " tokens");
            }
        }
    }
}
