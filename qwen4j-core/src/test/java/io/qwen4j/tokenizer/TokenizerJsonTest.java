package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tokenizer.json reader on small files of Qwen's shape, and its rejection of what it does not implement. */
class TokenizerJsonTest {
    private static final String G = "\u0120"; // byte-level space

    /** 256 byte tokens, two merged tokens, two added tokens (one special); merges in either spelling. */
    private static String tokenizerJson(String merges, String normalizer, String regex) {
        var vocab = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            String c = String.valueOf(ByteLevel.charOf(b));
            vocab.append(vocab.isEmpty() ? "" : ",").append('"').append(c.equals("\"") ? "\\\"" : c.equals("\\") ? "\\\\" : c)
                    .append("\":").append(b);
        }
        vocab.append(",\"he\":256,\"").append(G).append("he\":257");
        return """
                {"version": "1.0",
                 "added_tokens": [
                   {"id": 258, "content": "<|im_start|>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
                   {"id": 260, "content": "<think>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false}],
                 "normalizer": %s,
                 "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                   {"type": "Split", "pattern": {"Regex": %s}, "behavior": "Isolated", "invert": false},
                   {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}]},
                 "decoder": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false},
                 "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": "",
                           "end_of_word_suffix": "", "fuse_unk": false, "byte_fallback": false,
                           "vocab": {%s}, "merges": %s}}
                """.formatted(normalizer, quote(regex), vocab, merges);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\") + '"';
    }

    private static Tokenizer read(String json) throws IOException {
        return TokenizerJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    private static final String QWEN2 = PreTokenizer.QWEN2.regex();

    @Test
    void mergesAsStringsOrPairsGiveTheSameTokenizer() throws IOException {
        var strings = read(tokenizerJson("[\"h e\", \"" + G + " he\"]", "{\"type\": \"NFC\"}", QWEN2));
        var pairs = read(tokenizerJson("[[\"h\", \"e\"], [\"" + G + "\", \"he\"]]", "{\"type\": \"NFC\"}", QWEN2));
        for (var t : new Tokenizer[] {strings, pairs}) {
            assertThat(t.encode("he he")).containsExactly(256, 257);
            assertThat(t.vocabSize()).isEqualTo(261);
            assertThat(t.tokenText(259)).as("a gap in the ids").isEqualTo("[PAD259]");
            assertThat(t.preTokenizer()).isEqualTo(PreTokenizer.QWEN2);
        }
    }

    @Test
    void addedTokensKeepTheirSpecialFlag() throws IOException {
        var t = read(tokenizerJson("[]", "null", QWEN2));
        String text = "<|im_start|><think>";
        assertThat(t.encode(text, AddedTokens.ALL)).containsExactly(258, 260);
        assertThat(t.encode(text, AddedTokens.NON_SPECIAL)).startsWith('<', '|').endsWith(260);
        assertThat(t.encode(text, AddedTokens.NONE)).hasSize(text.length());
        assertThat(t.isControl(258)).isTrue();
        assertThat(t.isControl(260)).isFalse();
    }

    @Test
    void normalizerNfcOrNone() throws IOException {
        String decomposed = "e\u0301";
        var nfc = read(tokenizerJson("[]", "{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"}]}", QWEN2));
        var none = read(tokenizerJson("[]", "null", QWEN2));
        assertThat(nfc.decode(nfc.encode(decomposed))).isEqualTo("\u00e9");
        assertThat(none.decode(none.encode(decomposed))).isEqualTo(decomposed);
    }

    @Test
    void qwen35RegexSelectsItsPreTokenizer() throws IOException {
        assertThat(read(tokenizerJson("[]", "null", PreTokenizer.QWEN35.regex())).preTokenizer()).isEqualTo(PreTokenizer.QWEN35);
    }

    @Test
    void rejectsWhatItDoesNotImplement() {
        String ok = tokenizerJson("[]", "null", QWEN2);
        assertThatThrownBy(() -> read(tokenizerJson("[]", "null", "\\s+")))
                .hasMessageContaining("test.json").hasMessageContaining("pre_tokenizer regex \\s+ is not supported");
        assertThatThrownBy(() -> read(tokenizerJson("[]", "{\"type\": \"NFKC\"}", QWEN2)))
                .hasMessageContaining("normalizer").hasMessageContaining("NFKC");
        assertThatThrownBy(() -> read(tokenizerJson("[[\"h\"]]", "null", QWEN2))).hasMessageContaining("model.merges[0]");
        assertThatThrownBy(() -> read(ok.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\"")))
                .hasMessageContaining("model.type 'WordPiece'");
        assertThatThrownBy(() -> read(ok.replace("\"byte_fallback\": false", "\"byte_fallback\": true")))
                .hasMessageContaining("byte_fallback");
        assertThatThrownBy(() -> read(ok.replaceFirst("\"lstrip\": false", "\"lstrip\": true")))
                .hasMessageContaining("added_tokens[0]").hasMessageContaining("lstrip");
        assertThatThrownBy(() -> read(ok.replace("\"id\": 260", "\"id\": 2000000000")))
                .hasMessageContaining("token id 2000000000");
        assertThatThrownBy(() -> read(ok.replace("\"id\": 260", "\"id\": -3"))).hasMessageContaining("added_tokens[1].id");
        assertThatThrownBy(() -> read("{\"model\": ")).hasMessageContaining("test.json: not valid JSON");
        assertThatThrownBy(() -> read("{}")).hasMessageContaining("'model' is missing");
    }
}
