package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A minimal vocabulary like generated test models use: 256 byte tokens, a few merges, control tokens. */
class SyntheticVocabularyTokenizerTest {
    private static final String SPACE = String.valueOf(ByteLevel.charOf(' '));

    // ids: 0-255 bytes, 256 "he", 257 "ll", 258 "hell", 259 "hello", 260 " h", 261 " hello",
    // 262 <|endoftext|>, 263 <|im_start|>, 264 <|im_end|>, 265 <think> (USER_DEFINED), 266 [PAD266] (UNUSED)
    private static Vocabulary vocabulary(boolean addBos) {
        var tokens = new ArrayList<String>();
        var types = new ArrayList<Integer>();
        for (int b = 0; b < 256; b++) {
            tokens.add(ByteLevel.encode(new byte[] {(byte) b}));
            types.add(Vocabulary.NORMAL);
        }
        for (var t : List.of("he", "ll", "hell", "hello", SPACE + "h", SPACE + "hello")) {
            tokens.add(t);
            types.add(Vocabulary.NORMAL);
        }
        tokens.addAll(List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<think>", "[PAD266]"));
        types.addAll(List.of(Vocabulary.CONTROL, Vocabulary.CONTROL, Vocabulary.CONTROL, Vocabulary.USER_DEFINED,
                Vocabulary.UNUSED));
        var merges = List.of("h e", "l l", "he ll", "hell o", SPACE + " h", SPACE + "h ello", "x y");
        return new Vocabulary(tokens, types.stream().mapToInt(Integer::intValue).toArray(), merges,
                262, 264, -1, 262, addBos);
    }

    private final Tokenizer tokenizer = Tokenizer.create(vocabulary(false));

    @Test
    void mergesByRank() {
        // " hello": h+e (rank 0) beats the leftmost pair " "+h (rank 4), so " hello" (via " h" "ello") never forms
        assertThat(tokenizer.encode("hello")).containsExactly(259);
        assertThat(tokenizer.encode(" hello")).containsExactly(' ', 259);
        assertThat(tokenizer.encode("hell yeah")).containsExactly(258, ' ', 'y', 'e', 'a', 'h');
        assertThat(tokenizer.encode("ll")).containsExactly(257);
        assertThat(tokenizer.encode("xy")).as("merge result not in vocabulary is ignored").containsExactly('x', 'y');
    }

    @Test
    void mergesFindTheirTokensByTextAndALaterDuplicateWins() {
        var v = vocabulary(false);
        var tokens = new ArrayList<>(v.tokens());
        tokens.add("he"); // 267: a second "he"; llama.cpp's token_to_id keeps the later one
        // "Aa" and "BB" share a String hash code (65*31+97 == 66*31+66): lookups must compare the text
        tokens.addAll(List.of("Aa", "BB", "AaBB", "BBAa")); // 268-271
        var types = java.util.Arrays.copyOf(v.tokenTypes(), tokens.size());
        java.util.Arrays.fill(types, v.tokenTypes().length, types.length, Vocabulary.NORMAL);
        var merges = new ArrayList<>(v.merges());
        merges.addAll(List.of("A a", "B B", "Aa BB", "BB Aa"));
        var t = Tokenizer.create(new Vocabulary(tokens, types, merges, 262, 264, -1, 262, false));
        assertThat(t.encode("he")).containsExactly(267);
        assertThat(t.encode("hello")).as("'he ll' names the later 'he', which the merge of 'h e' gives")
                .containsExactly(259);
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat(t.encode("AaBB")).containsExactly(270);
        assertThat(t.encode("BBAa")).containsExactly(271);
        assertThat(t.encode("AaAa")).containsExactly(268, 268);
    }

    @Test
    void bytesOutsideAsciiUseTheByteTokens() {
        byte[] utf8 = "é🙂".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int[] ids = tokenizer.encode("é🙂");
        assertThat(ids).hasSize(utf8.length);
        for (int i = 0; i < utf8.length; i++) {
            assertThat(ids[i]).isEqualTo(utf8[i] & 0xFF);
        }
        assertThat(tokenizer.decode(ids)).isEqualTo("é🙂");
    }

    @Test
    void controlAndUserDefinedTokens() {
        assertThat(tokenizer.encode("<|im_start|>hello<|im_end|>")).containsExactly(263, 259, 264);
        assertThat(tokenizer.encode("<think>hello")).containsExactly(265, 259);
        assertThat(tokenizer.encode("<think>", false)).containsExactly('<', 't', 'h', 'i', 'n', 'k', '>');
        assertThat(tokenizer.decode(new int[] {263, 259, 264, 266})).isEqualTo("<|im_start|>hello<|im_end|>");
        assertThat(tokenizer.isControl(263)).isTrue();
        assertThat(tokenizer.isControl(265)).isFalse();
        assertThat(tokenizer.endOfGenerationIds()).containsExactlyInAnyOrder(262, 264);
    }

    @Test
    void addBosPrependsTheBosToken() {
        var withBos = Tokenizer.create(vocabulary(true));
        assertThat(withBos.encode("hello")).containsExactly(262, 259);
        assertThat(withBos.encode("")).containsExactly(262);
        assertThat(tokenizer.encode("")).isEmpty();
    }

    @Test
    void eotAndEosAreEndOfGenerationWhateverTheirText() {
        var v = vocabulary(false);
        var custom = new Vocabulary(v.tokens(), v.tokenTypes(), v.merges(), -1, 259, 258, -1, false);
        assertThat(Tokenizer.create(custom).endOfGenerationIds()).containsExactlyInAnyOrder(259, 258, 262, 264);
    }

    @Test
    void rejectsInconsistentVocabulary() {
        var v = vocabulary(false);
        assertThatThrownBy(() -> new Vocabulary(v.tokens(), new int[3], v.merges(), -1, -1, -1, -1, false))
                .hasMessageContaining("3 token types");
        assertThatThrownBy(() -> new Vocabulary(v.tokens(), v.tokenTypes(), v.merges(), 9999, -1, -1, -1, false))
                .hasMessageContaining("bos token id 9999");
        assertThatThrownBy(() -> Tokenizer.create(new Vocabulary(v.tokens(), v.tokenTypes(), List.of("nospace"), -1, -1, -1, -1, false)))
                .hasMessageContaining("'nospace'");
        assertThatThrownBy(() -> tokenizer.tokenText(267)).hasMessageContaining("token id 267");
    }
}
