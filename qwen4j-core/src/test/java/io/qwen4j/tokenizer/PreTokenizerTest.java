package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Pieces of Qwen's pre-tokenizer regex, checked against HF tokenizers (oracle.mjs pretok). */
class PreTokenizerTest {
    @Test
    void contractionsLettersAndDigits() {
        assertThat(PreTokenizer.QWEN2.split("I'm don'T they'LL"))
                .containsExactly("I", "'m", " don", "'T", " they", "'LL");
        assertThat(PreTokenizer.QWEN2.split("abc123 4x")).containsExactly("abc", "1", "2", "3", " ", "4", "x");
    }

    @Test
    void contractionsFoldCaseTheUnicodeWay() {
        // U+017F LONG S folds to 's' (Oniguruma (?i)), unlike llama.cpp's '[sS]; U+212A KELVIN folds to 'k' (no contraction)
        assertThat(PreTokenizer.QWEN2.split("x'\u017ft")).containsExactly("x", "'\u017f", "t");
        assertThat(PreTokenizer.QWEN2.split("'\u212a'kx")).containsExactly("'\u212a", "'kx");
        assertThat(PreTokenizer.QWEN2.split("'\u0130")).containsExactly("'\u0130");
    }

    @Test
    void punctuationTakesOneLeadingSpaceAndTrailingNewlines() {
        assertThat(PreTokenizer.QWEN2.split("a  !!\n\nb")).containsExactly("a", " ", " !!\n\n", "b");
        assertThat(PreTokenizer.QWEN2.split("(x)")).containsExactly("(x", ")");
    }

    @Test
    void whitespaceRuns() {
        // \s+(?!\S) leaves the last space for the next word; \s*[\r\n]+ ends at the last line break
        assertThat(PreTokenizer.QWEN2.split("a   b")).containsExactly("a", "  ", " b");
        assertThat(PreTokenizer.QWEN2.split("a \n \n  b")).containsExactly("a", " \n \n", " ", " b");
        assertThat(PreTokenizer.QWEN2.split("end   ")).containsExactly("end", "   ");
        assertThat(PreTokenizer.QWEN2.split("a\u00a0\u00a0b")).as("NBSP is white space").containsExactly("a", "\u00a0", "\u00a0b");
        assertThat(PreTokenizer.QWEN2.split("a\u200bb")).as("ZWSP is not").containsExactly("a", "\u200bb");
    }

    @Test
    void marksAreLettersOnlyForQwen35() {
        String text = "kx\u0301b"; // no precomposed x with acute, so NFC leaves it
        assertThat(PreTokenizer.QWEN2.split(text)).containsExactly("kx", "\u0301b");
        assertThat(PreTokenizer.QWEN35.split(text)).containsExactly("kx\u0301b");
    }

    @Test
    void supplementaryCharacters() {
        assertThat(PreTokenizer.QWEN2.split("𝓗𝓮 🙂🙂 𠀀")).containsExactly("𝓗𝓮", " 🙂🙂", " 𠀀");
    }
}
