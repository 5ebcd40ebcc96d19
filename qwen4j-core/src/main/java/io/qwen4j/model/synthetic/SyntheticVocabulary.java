package io.qwen4j.model.synthetic;

import io.qwen4j.tokenizer.ByteLevel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A small byte-level BPE vocabulary for generated models: the 256 byte tokens, merges that build some common
 * English words (with and without a leading space), Qwen's ChatML control tokens and the think tags, padded
 * with unused tokens to the requested size. Small enough that test models stay tiny, real enough that the
 * whole text pipeline runs.
 */
public record SyntheticVocabulary(List<String> tokens, int[] types, List<String> merges,
                                  int endOfText, int imStart, int imEnd) {

    static final int NORMAL = 1;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;

    private static final String[] WORDS = {
        "the", "and", "ing", "ion", "hello", "world", "qwen", "model", "token", "is", "of", "to", "in",
        "it", "on", "that", "for", "with", "as", "was", "sky"
    };

    /** Tokens needed before padding. */
    public static int minimumSize() {
        return create(0).tokens.size();
    }

    /** Builds the vocabulary padded to {@code size} tokens (at least {@link #minimumSize()}). */
    public static SyntheticVocabulary create(int size) {
        var tokens = new ArrayList<String>();
        var types = new ArrayList<Integer>();
        for (int b = 0; b < 256; b++) {
            tokens.add(ByteLevel.encode(new byte[] {(byte) b}));
            types.add(NORMAL);
        }
        var merges = new ArrayList<String>();
        var known = new LinkedHashSet<>(tokens);
        String space = ByteLevel.encode(new byte[] {' '});
        for (String word : WORDS) {
            for (String start : new String[] {word.substring(0, 1), space + word.charAt(0)}) {
                if (start.length() == 2 && known.add(start)) {
                    merges.add(space + " " + word.charAt(0));
                    tokens.add(start);
                    types.add(NORMAL);
                }
                String cur = start;
                for (int i = 1; i < word.length(); i++) {
                    String next = cur + word.charAt(i);
                    if (known.add(next)) {
                        merges.add(cur + " " + word.charAt(i));
                        tokens.add(next);
                        types.add(NORMAL);
                    }
                    cur = next;
                }
            }
        }
        int endOfText = tokens.size();
        for (String s : new String[] {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) {
            tokens.add(s);
            types.add(CONTROL);
        }
        for (String s : new String[] {"<think>", "</think>"}) {
            tokens.add(s);
            types.add(USER_DEFINED);
        }
        for (int i = 0; tokens.size() < size; i++) {
            tokens.add("[PAD" + i + "]");
            types.add(UNUSED);
        }
        return new SyntheticVocabulary(List.copyOf(tokens), types.stream().mapToInt(Integer::intValue).toArray(),
                List.copyOf(merges), endOfText, endOfText + 1, endOfText + 2);
    }
}
