package io.qwen4j.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Splits text at occurrences of added tokens, leftmost match first and the longest token at that position,
 * as HF {@code tokenizers} {@code AddedVocabulary} does with its leftmost-longest Aho-Corasick automaton.
 * Added tokens are few and start with few distinct characters, so a first-character table and a
 * longest-first candidate list per character find them with one array load per character of text.
 */
final class AddedTokenMatcher {
    /** Receives the text ranges between added tokens and the added tokens, in order. */
    interface Sink {
        void text(int start, int end);

        void token(int id);
    }

    private final char[] firstChars;     // sorted
    private final String[][] candidates; // per first char, longest first
    private final int[][] candidateIds;
    private final boolean[] isFirst = new boolean[0x10000];

    /** A matcher for the tokens {@code ids} whose texts are {@code texts.get(id)}; empty texts are ignored. */
    AddedTokenMatcher(List<String> texts, int[] ids) {
        var byFirst = new TreeMap<Character, List<Integer>>();
        for (int id : ids) {
            String t = texts.get(id);
            if (!t.isEmpty()) {
                byFirst.computeIfAbsent(t.charAt(0), c -> new ArrayList<>()).add(id);
            }
        }
        firstChars = new char[byFirst.size()];
        candidates = new String[byFirst.size()][];
        candidateIds = new int[byFirst.size()][];
        int k = 0;
        for (var e : byFirst.entrySet()) {
            var list = e.getValue();
            list.sort(Comparator.comparingInt((Integer id) -> texts.get(id).length()).reversed());
            firstChars[k] = e.getKey();
            candidates[k] = list.stream().map(texts::get).toArray(String[]::new);
            candidateIds[k] = list.stream().mapToInt(Integer::intValue).toArray();
            isFirst[e.getKey()] = true;
            k++;
        }
    }

    boolean isEmpty() {
        return firstChars.length == 0;
    }

    void split(String text, Sink sink) {
        int n = text.length();
        int from = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!isFirst[c]) {
                continue;
            }
            int k = Arrays.binarySearch(firstChars, c);
            String[] texts = candidates[k];
            for (int j = 0; j < texts.length; j++) {
                if (text.startsWith(texts[j], i)) {
                    if (i > from) {
                        sink.text(from, i);
                    }
                    sink.token(candidateIds[k][j]);
                    from = i + texts[j].length();
                    i = from - 1;
                    break;
                }
            }
        }
        if (from < n) {
            sink.text(from, n);
        }
    }
}
