package io.qwen4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Qwen's regex pre-tokenizer, written as a scanner that reproduces the regex's leftmost-alternative,
 * greedy-with-backtracking matching exactly. Qwen2/2.5/3 ({@code tokenizer.json} Split, llama.cpp
 * {@code LLAMA_VOCAB_PRE_TYPE_QWEN2}):
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 * Qwen3.5 ({@code LLAMA_VOCAB_PRE_TYPE_QWEN35}) reads {@code [\p{L}\p{M}]} where Qwen2 reads {@code \p{L}}
 * in the letter run and in the punctuation class.
 * <p>{@code \s} is Unicode White_Space (as in Oniguruma and llama.cpp, not {@link Character#isWhitespace});
 * the contractions' case-insensitivity is ASCII only, as in llama.cpp's {@code '[sS]|'[tT]...}.
 */
public enum PreTokenizer {
    QWEN2(false),
    QWEN35(true);

    private final boolean marksAreLetters;

    PreTokenizer(boolean marksAreLetters) {
        this.marksAreLetters = marksAreLetters;
    }

    /** The pieces of {@code text}, in order; they concatenate back to {@code text}. */
    public List<String> split(String text) {
        var pieces = new ArrayList<String>();
        split(text, pieces::add);
        return pieces;
    }

    void split(String text, Consumer<String> sink) {
        for (int i = 0, n = text.length(); i < n; ) {
            int end = matchAt(text, i);
            sink.accept(text.substring(i, end));
            i = end;
        }
    }

    /** End of the regex match starting at {@code i} (every position matches one alternative). */
    private int matchAt(String s, int i) {
        int n = s.length();
        int c = s.codePointAt(i);
        int afterC = i + Character.charCount(c);

        // 1. 's 't 're 've 'm 'll 'd
        if (c == '\'' && afterC < n) {
            char a = asciiLower(s.charAt(afterC));
            if (a == 's' || a == 't' || a == 'm' || a == 'd') {
                return afterC + 1;
            }
            if (afterC + 1 < n) {
                char b = asciiLower(s.charAt(afterC + 1));
                if ((a == 'r' || a == 'v') && b == 'e' || a == 'l' && b == 'l') {
                    return afterC + 2;
                }
            }
        }
        // 2. [^\r\n\p{L}\p{N}]?\p{L}+  (a letter-run char as the optional prefix gives the same run)
        if (isLetterRun(c)) {
            return letterRunEnd(s, afterC);
        }
        if (c != '\r' && c != '\n' && !isLetter(c) && !isNumber(c) && afterC < n && isLetterRun(s.codePointAt(afterC))) {
            return letterRunEnd(s, afterC);
        }
        // 3. \p{N}: one at a time
        if (isNumber(c)) {
            return afterC;
        }
        // 4. ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int start = c == ' ' && afterC < n && isPunctuation(s.codePointAt(afterC)) ? afterC : i;
        if (isPunctuation(s.codePointAt(start))) {
            int j = start;
            while (j < n && isPunctuation(s.codePointAt(j))) {
                j += Character.charCount(s.codePointAt(j));
            }
            while (j < n && (s.charAt(j) == '\r' || s.charAt(j) == '\n')) {
                j++;
            }
            return j;
        }
        // c is white space from here on (all White_Space characters are in the BMP)
        int runEnd = i;
        int lastNewline = -1;
        while (runEnd < n && isSpace(s.charAt(runEnd))) {
            if (s.charAt(runEnd) == '\r' || s.charAt(runEnd) == '\n') {
                lastNewline = runEnd;
            }
            runEnd++;
        }
        // 5. \s*[\r\n]+ : \s* backtracks to the last line break of the run
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        // 6. \s+(?!\S) : the whole run at the end of the text, else all but its last character
        if (runEnd == n) {
            return runEnd;
        }
        if (runEnd - i > 1) {
            return runEnd - 1;
        }
        // 7. \s+
        return runEnd;
    }

    private int letterRunEnd(String s, int j) {
        int n = s.length();
        while (j < n) {
            int c = s.codePointAt(j);
            if (!isLetterRun(c)) {
                break;
            }
            j += Character.charCount(c);
        }
        return j;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    private boolean isLetterRun(int c) {
        return isLetter(c) || marksAreLetters && isMark(c);
    }

    private boolean isPunctuation(int c) {
        return !isSpace(c) && !isLetterRun(c) && !isNumber(c);
    }

    static boolean isLetter(int c) {
        return Character.isLetter(c);
    }

    static boolean isNumber(int c) {
        return switch (Character.getType(c)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    static boolean isMark(int c) {
        return switch (Character.getType(c)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> true;
            default -> false;
        };
    }

    /** Unicode White_Space (PropList.txt), which is what {@code \s} means in Oniguruma and llama.cpp. */
    static boolean isSpace(int c) {
        return c >= 0x09 && c <= 0x0D || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
