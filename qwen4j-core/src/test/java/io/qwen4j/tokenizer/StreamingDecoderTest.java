package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {
    private final Tokenizer tokenizer = TestVocabularies.qwen3();

    private int byteToken(int b) {
        return tokenizer.id(String.valueOf(ByteLevel.charOf(b))).orElseThrow();
    }

    @Test
    void holdsBackAnEmojiUntilItsLastToken() {
        var decoder = tokenizer.streamingDecoder();
        var pieces = new ArrayList<String>();
        for (int id : new int[] {9707, 9284, 104, 254, 1879}) { // "Hello" + "🫠" in three tokens + " world"
            pieces.add(decoder.next(id));
        }
        pieces.add(decoder.flush());
        assertThat(pieces).containsExactly("Hello", "", "", "🫠", " world", "");
    }

    @Test
    void byteTokensOfCjkCharacters() {
        var decoder = tokenizer.streamingDecoder();
        var returned = new ArrayList<String>();
        for (byte b : "中文".getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            String piece = decoder.next(byteToken(b & 0xFF));
            returned.add(piece);
        }
        assertThat(returned).containsExactly("", "", "中", "", "", "文");
        assertThat(decoder.flush()).isEmpty();
    }

    @Test
    void malformedBytesDecodeAsDecodeDoes() {
        // a lone continuation byte, a lead byte cut off by another lead, and an unfinished character at the end
        int[] ids = {byteToken(0x80), byteToken('a'), byteToken(0xE4), byteToken(0xE4), byteToken(0xB8), byteToken(0xAD),
                byteToken(0xF0), byteToken(0x9F)};
        var decoder = tokenizer.streamingDecoder();
        var out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.next(id));
        }
        assertThat(out.toString()).isEqualTo("\uFFFDa\uFFFD中");
        assertThat(decoder.flush()).isEqualTo("\uFFFD");
        assertThat(out.append("\uFFFD").toString()).isEqualTo(tokenizer.decode(ids));
    }

    @Test
    void holdsBackOnlyWhatCouldStillBecomeACharacter() {
        var decoder = tokenizer.streamingDecoder();
        // E0 80 can never start a character (E0 needs A0-BF next), so both bytes are replaced at once;
        // ED A0 is the start of an encoded surrogate: U+FFFD for each byte, as Rust's from_utf8_lossy gives
        assertThat(decoder.next(byteToken(0xE0))).isEmpty();
        assertThat(decoder.next(byteToken(0x80))).isEqualTo("\uFFFD\uFFFD");
        assertThat(decoder.next(byteToken(0xED))).isEmpty();
        assertThat(decoder.next(byteToken(0xA0))).isEqualTo("\uFFFD\uFFFD");
        assertThat(decoder.next(byteToken(0xF0))).isEmpty();
        assertThat(decoder.next(byteToken(0x9F))).isEmpty();
        assertThat(decoder.next(byteToken(0x98))).isEmpty();
        assertThat(decoder.next(byteToken(0x80))).isEqualTo("😀");
    }

    @Test
    void controlTokensAndUnknownIds() {
        var decoder = tokenizer.streamingDecoder();
        assertThat(List.of(decoder.next(151644), decoder.next(-5), decoder.next(151700), decoder.next(872)))
                .containsExactly("<|im_start|>", "", "", "user");
    }
}
