package io.qwen4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Qwen's regex pre-tokenizer, written as a scanner that reproduces the regex's leftmost-alternative,
 * greedy-with-backtracking matching exactly (and several times faster than running the regex). Qwen2/2.5/3
 * ({@code tokenizer.json} Split, llama.cpp {@code LLAMA_VOCAB_PRE_TYPE_QWEN2}):
 * <pre>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</pre>
 * Qwen3.5 ({@code LLAMA_VOCAB_PRE_TYPE_QWEN35}) reads {@code [\p{L}\p{M}]} where Qwen2 reads {@code \p{L}}
 * in the letter run and in the punctuation class.
 * <p>Unicode semantics are those of the Oniguruma engine HF {@code tokenizers} runs the regex with: {@code \s}
 * is Unicode White_Space (not {@link Character#isWhitespace}), and the contractions fold case the Unicode
 * way, so {@code 'ſ} (U+017F LONG S) is the contraction {@code 's}, which llama.cpp's ASCII-only
 * {@code '[sS]} misses.
 */
public enum PreTokenizer {
    QWEN2(false, "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"),
    QWEN35(true, "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?[\\p{L}\\p{M}]+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{M}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    /** Receives the pieces of a text as [start, end) ranges. */
    @FunctionalInterface
    interface PieceSink {
        void piece(int start, int end);
    }

    // character classes; LINE_BREAK (\r, \n) is also white space
    private static final byte OTHER = 0, LETTER = 1, NUMBER = 2, SPACE = 3, LINE_BREAK = 4, MARK = 5;
    /** The class of every BMP character, so the scanner's hot loop is one array load per character. */
    private static final byte[] BMP_CLASS = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP_CLASS[c] = classify(c);
        }
    }

    private final boolean marksAreLetters;
    private final String regex;

    PreTokenizer(boolean marksAreLetters, String regex) {
        this.marksAreLetters = marksAreLetters;
        this.regex = regex;
    }

    /** The pattern of HF {@code tokenizer.json}'s Split pre-tokenizer that this scanner implements. */
    public String regex() {
        return regex;
    }

    /** The pre-tokenizer whose regex is {@code pattern}, if it is one of Qwen's. */
    public static Optional<PreTokenizer> forRegex(String pattern) {
        for (var p : values()) {
            if (p.regex.equals(pattern)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The pieces of {@code text}, in order; they concatenate back to {@code text}. */
    public List<String> split(String text) {
        var pieces = new ArrayList<String>();
        split(text, 0, text.length(), (start, end) -> pieces.add(text.substring(start, end)));
        return pieces;
    }

    /** Splits {@code text[from, to)} as if it were the whole text. */
    void split(String text, int from, int to, PieceSink sink) {
        for (int i = from; i < to; ) {
            int end = matchAt(text, i, to);
            sink.piece(i, end);
            i = end;
        }
    }

    /** End of the regex match starting at {@code i} (every position matches one alternative). */
    private int matchAt(String s, int i, int n) {
        char ch = s.charAt(i);
        int c = ch;
        int afterC = i + 1;
        if (Character.isHighSurrogate(ch) && afterC < n && Character.isLowSurrogate(s.charAt(afterC))) {
            c = Character.toCodePoint(ch, s.charAt(afterC++));
        }
        int cls = classOf(c);

        // 1. (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && afterC < n) {
            int end = contractionEnd(s, afterC, n);
            if (end > 0) {
                return end;
            }
        }
        // 2. [^\r\n\p{L}\p{N}]?\p{L}+  (a letter-run char as the optional prefix gives the same run)
        if (isLetterRun(cls)) {
            return letterRunEnd(s, afterC, n);
        }
        if (cls != LINE_BREAK && cls != LETTER && cls != NUMBER && afterC < n && isLetterRun(classAt(s, afterC, n))) {
            return letterRunEnd(s, afterC, n);
        }
        // 3. \p{N}: one at a time
        if (cls == NUMBER) {
            return afterC;
        }
        // 4. ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int start = i;
        if (c == ' ' && afterC < n && isPunctuation(classAt(s, afterC, n))) {
            start = afterC;
            cls = classAt(s, start, n);
        }
        if (isPunctuation(cls)) {
            int j = start;
            while (j < n) {
                int k = classAt(s, j, n);
                if (!isPunctuation(k)) {
                    break;
                }
                j += Character.isHighSurrogate(s.charAt(j)) && j + 1 < n && Character.isLowSurrogate(s.charAt(j + 1)) ? 2 : 1;
            }
            while (j < n && (s.charAt(j) == '\r' || s.charAt(j) == '\n')) {
                j++;
            }
            return j;
        }
        // c is white space from here on (all White_Space characters are in the BMP)
        int runEnd = i;
        int lastLineBreak = -1;
        while (runEnd < n) {
            byte k = BMP_CLASS[s.charAt(runEnd)];
            if (k == LINE_BREAK) {
                lastLineBreak = runEnd;
            } else if (k != SPACE) {
                break;
            }
            runEnd++;
        }
        // 5. \s*[\r\n]+ : \s* backtracks to the last line break of the run
        if (lastLineBreak >= 0) {
            return lastLineBreak + 1;
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

    /**
     * End of a contraction whose letters start at {@code j}, or -1. Case-insensitive as Oniguruma folds
     * case: besides ASCII case, only U+017F LONG S folds to one of the letters (to {@code s}); U+212A KELVIN
     * SIGN folds to {@code k}, which no contraction has.
     */
    private static int contractionEnd(String s, int j, int n) {
        char a = foldLetter(s.charAt(j));
        if (a == 's' || a == 't' || a == 'm' || a == 'd') {
            return j + 1;
        }
        if (j + 1 < n) {
            char b = foldLetter(s.charAt(j + 1));
            if ((a == 'r' || a == 'v') && b == 'e' || a == 'l' && b == 'l') {
                return j + 2;
            }
        }
        return -1;
    }

    private static char foldLetter(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c == '\u017F' ? 's' : c;
    }

    private int letterRunEnd(String s, int j, int n) {
        while (j < n) {
            char ch = s.charAt(j);
            if (ch < 0x80) { // ASCII fast path
                if (BMP_CLASS[ch] != LETTER) {
                    break;
                }
                j++;
                continue;
            }
            int k = classAt(s, j, n);
            if (!isLetterRun(k)) {
                break;
            }
            j += Character.isHighSurrogate(ch) && j + 1 < n && Character.isLowSurrogate(s.charAt(j + 1)) ? 2 : 1;
        }
        return j;
    }

    private boolean isLetterRun(int cls) {
        return cls == LETTER || marksAreLetters && cls == MARK;
    }

    private boolean isPunctuation(int cls) {
        return cls == OTHER || cls == MARK && !marksAreLetters;
    }

    /** The class of the code point at {@code j} (a lone surrogate is OTHER, as its replacement would be). */
    private static int classAt(String s, int j, int n) {
        char ch = s.charAt(j);
        if (Character.isHighSurrogate(ch) && j + 1 < n && Character.isLowSurrogate(s.charAt(j + 1))) {
            return classify(Character.toCodePoint(ch, s.charAt(j + 1)));
        }
        return BMP_CLASS[ch];
    }

    private static int classOf(int c) {
        return c < 0x10000 ? BMP_CLASS[c] : classify(c);
    }

    private static byte classify(int c) {
        if (c == '\r' || c == '\n') {
            return LINE_BREAK;
        }
        if (isSpace(c)) {
            return SPACE;
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            default -> OTHER;
        };
    }

    /** Unicode White_Space (PropList.txt), which is what {@code \s} means in Oniguruma and llama.cpp. */
    static boolean isSpace(int c) {
        return c >= 0x09 && c <= 0x0D || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
                || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
