package io.qwen4j.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Token text to id, as llama.cpp's token_to_id (a later duplicate wins): open addressing over the tokens' String
 * hash codes in two int arrays. It can be probed with a region of another string, or two regions (a merge's
 * concatenation), without building that string; and it holds no object per token, where a HashMap of 150,000
 * entries held 300,000 (entries and boxed ids) for the garbage collector to copy while a model loads.
 */
final class TokenIndex {
    private final List<String> tokens;
    private final int[] ids;
    private final int[] hashes;
    private final int mask;
    private final int shift;

    TokenIndex(List<String> tokens) {
        this.tokens = tokens;
        int capacity = Integer.highestOneBit(Math.max(4, tokens.size() * 2 - 1)) << 1;
        ids = new int[capacity];
        hashes = new int[capacity];
        Arrays.fill(ids, -1);
        mask = capacity - 1;
        shift = Integer.numberOfLeadingZeros(mask);
        for (int id = 0; id < tokens.size(); id++) {
            String t = tokens.get(id);
            int h = t.hashCode();
            int i = slot(h);
            while (ids[i] >= 0 && !(hashes[i] == h && tokens.get(ids[i]).equals(t))) i = (i + 1) & mask;
            ids[i] = id; // a later duplicate replaces the earlier one
            hashes[i] = h;
        }
    }

    private int slot(int h) {
        return (h * 0x9E3779B9) >>> shift; // the product's top bits (Fibonacci hashing)
    }

    /** The id of the token whose text is {@code text}; -1 when there is none. */
    int find(String text) {
        return find(text.hashCode(), text, 0, text.length(), null, 0, 0);
    }

    /**
     * The id of the token whose text is {@code a[aFrom, aFrom + aLength)} followed by {@code b[bFrom, bFrom +
     * bLength)} ({@code b} may be null), given that text's String hash code; -1 when there is none.
     */
    int find(int hash, String a, int aFrom, int aLength, String b, int bFrom, int bLength) {
        for (int i = slot(hash); ids[i] >= 0; i = (i + 1) & mask) {
            if (hashes[i] != hash) continue;
            String t = tokens.get(ids[i]);
            if (t.length() == aLength + bLength && t.regionMatches(0, a, aFrom, aLength)
                    && (b == null || t.regionMatches(aLength, b, bFrom, bLength))) {
                return ids[i];
            }
        }
        return -1;
    }
}
