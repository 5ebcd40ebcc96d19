package io.qwen4j.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.zip.GZIPInputStream;

/**
 * Test data shared by the tokenizer tests: Qwen3's real {@code tokenizer.json} (see resources/tokenizer/README.md)
 * and the tokenizers made from it. Each is built once per JVM; tokenizers are immutable, so tests share them.
 */
public final class TestVocabularies {
    private TestVocabularies() {}

    static final int QWEN3_GGUF_VOCAB = 151936;     // config.json vocab_size: embedding rows
    static final int QWEN25_LAST_ADDED = 151664;    // <|file_sep|>: Qwen2.5 lacks Qwen3's four later added tokens

    private static final class FromJson {
        static final Tokenizer QWEN3 = loadQwen3Json();
    }

    private static final class Gguf {
        static final Tokenizer QWEN3 = Tokenizer.create(asGguf(FromJson.QWEN3.vocabulary()));
    }

    private static final class Qwen25 {
        static final Tokenizer QWEN25 = withoutAddedAfter(FromJson.QWEN3, QWEN25_LAST_ADDED, PreTokenizer.QWEN2);
    }

    private static final class Qwen35 {
        static final Tokenizer QWEN35 = withoutAddedAfter(FromJson.QWEN3, Integer.MAX_VALUE, PreTokenizer.QWEN35);
    }

    /** Qwen3 as read from its tokenizer.json: the HF view (added tokens typed by their "special" flag). */
    static Tokenizer qwen3Json() {
        return FromJson.QWEN3;
    }

    /** Qwen3 as llama.cpp's convert_hf_to_gguf.py writes it to GGUF (the view {@link GgufVocabulary} gives). */
    public static Tokenizer qwen3() {
        return Gguf.QWEN3;
    }

    /**
     * Qwen2.5: its tokenizer.json equals Qwen3's except for the added tokens after {@code <|file_sep|>} and the
     * merges' spelling ("a b" strings instead of pairs), which make_expected.py checks.
     */
    static Tokenizer qwen25() {
        return Qwen25.QWEN25;
    }

    /** Qwen3's vocabulary with the Qwen3.5 pre-tokenizer (no Qwen3.5 vocabulary is available offline). */
    static Tokenizer qwen3WithQwen35PreTokenizer() {
        return Qwen35.QWEN35;
    }

    private static Tokenizer loadQwen3Json() {
        try (var in = new GZIPInputStream(resource("/tokenizer/qwen3-tokenizer.json.gz"))) {
            return TokenizerJson.read(in, "qwen3-tokenizer.json.gz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tokenizer withoutAddedAfter(Tokenizer t, int lastId, PreTokenizer preTokenizer) {
        var v = t.vocabulary();
        int size = (int) Math.min(v.tokens().size(), lastId + 1L);
        var cut = new Vocabulary(v.tokens().subList(0, size), java.util.Arrays.copyOf(v.tokenTypes(), size), v.merges(),
                -1, -1, -1, -1, false);
        return Tokenizer.create(cut, preTokenizer);
    }

    /**
     * convert_hf_to_gguf.py (TextModel.get_vocab_base, does_token_look_special): ids past the tokenizer's tokens
     * up to vocab_size are "[PAD<id>]" UNUSED; added tokens that are special or look like {@code <|...|>} are
     * CONTROL, the other added tokens USER_DEFINED. bos = padding = {@code <|endoftext|>}, eos = {@code <|im_end|>}.
     */
    private static Vocabulary asGguf(Vocabulary json) {
        var tokens = new ArrayList<>(json.tokens());
        int[] types = java.util.Arrays.copyOf(json.tokenTypes(), QWEN3_GGUF_VOCAB);
        for (int id = 0; id < QWEN3_GGUF_VOCAB; id++) {
            if (id >= tokens.size()) {
                tokens.add("[PAD" + id + "]");
                types[id] = Vocabulary.UNUSED;
            } else if (types[id] == Vocabulary.USER_DEFINED && tokens.get(id).startsWith("<|") && tokens.get(id).endsWith("|>")) {
                types[id] = Vocabulary.CONTROL;
            }
        }
        return new Vocabulary(tokens, types, json.merges(), 151643, 151645, -1, 151643, false);
    }

    static InputStream resource(String name) {
        var in = TestVocabularies.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        return in;
    }

    static String resourceText(String name) {
        try (var in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String gzipResourceText(String name) {
        try (var in = new GZIPInputStream(resource(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
