package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TokenizerPropertiesTest {
    private static final Tokenizer TOKENIZER = TestVocabularies.qwen3();

    /** Code points from the ranges that stress the pre-tokenizer and UTF-8 handling. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0x20, 0x7E)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(0x20, 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0xA0, 0x85, 0x3000, 0x2003, 0x200B, 0x2028)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0xA0, 0x24F)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x300, 0x36F)),     // combining marks
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x0600, 0x06FF)),   // Arabic
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x0900, 0x097F)),   // Devanagari
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x4E00, 0x9FFF)),   // CJK
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0xAC00, 0xD7A3)),   // Hangul
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0x1F300, 0x1FAFF)), // emoji
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x1D400, 0x1D7FF)), // math letters
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0x20000, 0x2A6DF)), // CJK ext. B
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0x10FFFF)
                        .filter(c -> c < 0xD800 || c > 0xDFFF)));
        return codePoint.list().ofMaxSize(60).map(cps -> {
            var sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    @Property(tries = 400)
    void decodeInvertsEncodeUpToNfc(@ForAll("texts") String text) {
        String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        assertThat(TOKENIZER.decode(TOKENIZER.encode(text, false))).isEqualTo(nfc);
        assertThat(TOKENIZER.encode(nfc, false)).containsExactly(TOKENIZER.encode(text, false));
    }

    /** Any string of UTF-16 code units without unpaired surrogates: every code point, assigned or not. */
    @Provide
    Arbitrary<String> anyUnicode() {
        return Arbitraries.strings().all().ofMaxLength(40).filter(TokenizerPropertiesTest::wellFormed);
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Property(tries = 400)
    void decodeInvertsEncodeForAnyUnicode(@ForAll("anyUnicode") String text) {
        String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
        assertThat(TOKENIZER.decode(TOKENIZER.encode(text, AddedTokens.NONE))).isEqualTo(nfc);
        assertThat(TOKENIZER.decode(TOKENIZER.encode(text, AddedTokens.NON_SPECIAL))).isEqualTo(nfc);
    }

    /**
     * The hand-written scanner against the regex itself, run by java.util.regex with the classes spelled out so
     * that they mean what they mean in Oniguruma: {@code \s} as White_Space, {@code (?i)} folding U+017F to s.
     */
    @Property(tries = 1000)
    void preTokenizerScannerMatchesTheRegex(@ForAll("texts") String text) {
        assertThat(PreTokenizer.QWEN2.split(text)).isEqualTo(regexSplit(QWEN2_REGEX, text));
        assertThat(PreTokenizer.QWEN35.split(text)).isEqualTo(regexSplit(QWEN35_REGEX, text));
    }

    private static final String WHITE_SPACE = "\\t\\n\\x0B\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final java.util.regex.Pattern QWEN2_REGEX = onigLike(PreTokenizer.QWEN2.regex());
    private static final java.util.regex.Pattern QWEN35_REGEX = onigLike(PreTokenizer.QWEN35.regex());

    private static java.util.regex.Pattern onigLike(String regex) {
        String contractions = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
        assertThat(regex).startsWith(contractions);
        String rest = regex.substring(contractions.length())
                .replace("[^\\s", "[^" + WHITE_SPACE)
                .replace("\\s", "[" + WHITE_SPACE + "]")
                .replace("\\S", "[^" + WHITE_SPACE + "]");
        return java.util.regex.Pattern.compile("'(?:[sS\u017F]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])" + rest);
    }

    private static List<String> regexSplit(java.util.regex.Pattern pattern, String text) {
        var pieces = new ArrayList<String>();
        var m = pattern.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new AssertionError("the regex does not match at " + at + " of " + text);
            }
            pieces.add(m.group());
            at = m.end();
        }
        return pieces;
    }

    @Provide
    Arbitrary<String> chats() {
        var piece = Arbitraries.oneOf(texts(),
                Arbitraries.of("<|im_start|>", "<|im_end|>", "<think>", "</think>", "<tool_call>", "<|endoftext|>",
                        "<|im_start", "|>", "<", "\n"));
        return piece.list().ofMaxSize(8).map(ps -> String.join("", ps))
                .filter(s -> Normalizer.isNormalized(s, Normalizer.Form.NFC));
    }

    @Property(tries = 300)
    void decodeInvertsEncodeWithSpecialTokens(@ForAll("chats") String text) {
        int[] ids = TOKENIZER.encode(text, true);
        assertThat(TOKENIZER.decode(ids)).isEqualTo(text);
        if (text.contains("<|im_start|>")) {
            assertThat(ids).contains(151644);
        }
    }

    /** Ids made of a text's tokens, then single-byte tokens for the UTF-8 bytes of another, cut at random. */
    @Provide
    Arbitrary<int[]> tokenStreams() {
        return Combinators.combine(texts(), texts(), Arbitraries.integers().between(0, 255).list().ofMaxSize(3))
                .as((a, b, junk) -> {
                    var ids = new ArrayList<Integer>();
                    for (int id : TOKENIZER.encode(a, false)) {
                        ids.add(id);
                    }
                    for (byte x : b.getBytes(StandardCharsets.UTF_8)) {
                        ids.add(byteToken(x & 0xFF));
                    }
                    for (int x : junk) { // possibly malformed bytes at the end
                        ids.add(byteToken(x));
                    }
                    return ids.stream().mapToInt(Integer::intValue).toArray();
                });
    }

    private static int byteToken(int b) {
        return TOKENIZER.id(String.valueOf(ByteLevel.charOf(b))).orElseThrow();
    }

    @Property(tries = 400)
    void streamingDecoderReproducesDecode(@ForAll("tokenStreams") int[] ids) {
        var decoder = TOKENIZER.streamingDecoder();
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(decoder.next(id));
        }
        pieces.add(decoder.flush());
        String whole = TOKENIZER.decode(ids);
        assertThat(String.join("", pieces)).isEqualTo(whole);
        for (String piece : pieces) {
            assertThat(piece.isEmpty() || !Character.isHighSurrogate(piece.charAt(piece.length() - 1)))
                    .as("piece ends inside a surrogate pair: %s", piece).isTrue();
        }
        if (!whole.contains("\uFFFD")) {
            // well-formed text: no piece may hold a part of a character
            assertThat(pieces).noneMatch(p -> p.contains("\uFFFD"));
        }
    }
}
