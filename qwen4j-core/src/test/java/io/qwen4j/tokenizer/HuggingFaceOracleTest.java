package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Exact agreement with Hugging Face {@code tokenizers} (the Rust engine, through its Node binding) on the corpus
 * of resources/tokenizer: ids for Qwen3, Qwen2.5 and Qwen3's vocabulary with the Qwen3.5 pre-tokenizer, in all
 * three added-token modes; the pre-tokenizer pieces of both regexes; decoding. Made by
 * scripts/tokenizer/make_expected.sh. Every mismatch is listed, not only the first.
 */
class HuggingFaceOracleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> INPUTS = jsonLines(TestVocabularies.resourceText("/tokenizer/corpus-inputs.jsonl"))
            .stream().map(JsonNode::asText).toList();
    private static final List<JsonNode> EXPECTED = jsonLines(TestVocabularies.gzipResourceText("/tokenizer/corpus-expected.jsonl.gz"));

    /** One JSON value per non-empty line. */
    private static List<JsonNode> jsonLines(String text) {
        return text.lines().filter(l -> !l.isEmpty()).map(line -> {
            try {
                return JSON.readTree(line);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("bad test data line: " + line, e);
            }
        }).toList();
    }

    @Test
    void corpusIsLargeAndAligned() {
        assertThat(INPUTS).hasSizeGreaterThan(700).hasSameSizeAs(EXPECTED);
    }

    @Test
    void qwen3FromTokenizerJsonInEveryMode() {
        checkIds(TestVocabularies.qwen3Json(), "qwen3", true);
    }

    /** The GGUF view types {@code <|fim_prefix|>} and the like CONTROL (llama.cpp), so NON_SPECIAL differs there. */
    @Test
    void qwen3FromGgufVocabulary() {
        checkIds(TestVocabularies.qwen3(), "qwen3", false);
    }

    @Test
    void qwen25InEveryMode() {
        checkIds(TestVocabularies.qwen25(), "qwen25", true);
    }

    @Test
    void qwen35PreTokenizerInEveryMode() {
        checkIds(TestVocabularies.qwen3WithQwen35PreTokenizer(), "qwen35pre", true);
    }

    /** The piece cache is shared without locks: threads encoding at once, in different orders, still agree. */
    @Test
    void concurrentEncodingAgrees() throws InterruptedException {
        var tokenizer = TestVocabularies.qwen3Json();
        var mismatches = java.util.Collections.synchronizedList(new ArrayList<String>());
        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 4; t++) {
            int offset = t * INPUTS.size() / 4;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 3 * INPUTS.size(); k++) {
                    int i = (offset + k * 7) % INPUTS.size();
                    compare(mismatches, i, "concurrent", ids(EXPECTED.get(i).get("qwen3.special")),
                            tokenizer.encode(INPUTS.get(i), AddedTokens.ALL));
                }
            }));
        }
        for (var thread : threads) {
            thread.join();
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void preTokenizerPieces() {
        var mismatches = new ArrayList<String>();
        for (int i = 0; i < INPUTS.size(); i++) {
            String nfc = Normalizer.normalize(INPUTS.get(i), Normalizer.Form.NFC);
            compare(mismatches, i, "qwen2 pieces", strings(EXPECTED.get(i).get("pieces.qwen2")), PreTokenizer.QWEN2.split(nfc));
            compare(mismatches, i, "qwen35 pieces", strings(EXPECTED.get(i).get("pieces.qwen35")), PreTokenizer.QWEN35.split(nfc));
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void decodeOfTheExpectedIdsIsTheNfcInput() {
        var tokenizer = TestVocabularies.qwen3Json();
        var mismatches = new ArrayList<String>();
        for (int i = 0; i < INPUTS.size(); i++) {
            String nfc = Normalizer.normalize(INPUTS.get(i), Normalizer.Form.NFC);
            compare(mismatches, i, "decode", nfc, tokenizer.decode(ids(EXPECTED.get(i).get("qwen3.special"))));
        }
        assertThat(mismatches).isEmpty();
    }

    /** Byte tokens forming invalid UTF-8, added tokens and unknown ids, decoded as HF does (from_utf8_lossy). */
    @Test
    void decodeMatchesHuggingFace() {
        var inputs = jsonLines(TestVocabularies.resourceText("/tokenizer/decode-inputs.jsonl")).stream()
                .map(HuggingFaceOracleTest::ids).toList();
        var expected = jsonLines(TestVocabularies.resourceText("/tokenizer/decode-expected.jsonl")).stream()
                .map(JsonNode::asText).toList();
        assertThat(inputs).hasSizeGreaterThan(300).hasSameSizeAs(expected);
        var tokenizer = TestVocabularies.qwen3Json();
        var mismatches = new ArrayList<String>();
        for (int i = 0; i < inputs.size(); i++) {
            compare(mismatches, i, "decode " + java.util.Arrays.toString(inputs.get(i)), expected.get(i), tokenizer.decode(inputs.get(i)));
            // the streaming decoder gives the same text, piece by piece
            var stream = tokenizer.streamingDecoder();
            var sb = new StringBuilder();
            for (int id : inputs.get(i)) {
                sb.append(stream.next(id));
            }
            compare(mismatches, i, "streaming decode", expected.get(i), sb.append(stream.flush()).toString());
        }
        assertThat(mismatches).isEmpty();
    }

    private static void checkIds(Tokenizer tokenizer, String name, boolean nonSpecial) {
        var mismatches = new ArrayList<String>();
        for (int i = 0; i < INPUTS.size(); i++) {
            String text = INPUTS.get(i);
            JsonNode e = EXPECTED.get(i);
            compare(mismatches, i, name + " ALL", ids(e.get(name + ".special")), tokenizer.encode(text, AddedTokens.ALL));
            compare(mismatches, i, name + " NONE", ids(e.get(name + ".plain")), tokenizer.encode(text, AddedTokens.NONE));
            if (nonSpecial) {
                compare(mismatches, i, name + " NON_SPECIAL", ids(e.get(name + ".nospecial")),
                        tokenizer.encode(text, AddedTokens.NON_SPECIAL));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static void compare(List<String> mismatches, int line, String what, Object expected, Object actual) {
        boolean same = expected instanceof int[] e && actual instanceof int[] a ? java.util.Arrays.equals(e, a) : expected.equals(actual);
        if (!same) {
            mismatches.add("line %d %s: %s%n  expected %s%n  actual   %s".formatted(line + 1, what, escape(INPUTS.get(Math.min(line, INPUTS.size() - 1))),
                    show(expected), show(actual)));
        }
    }

    private static String show(Object o) {
        return o instanceof int[] a ? java.util.Arrays.toString(a) : o instanceof String s ? escape(s) : String.valueOf(o);
    }

    private static String escape(String s) {
        var sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7F) {
                sb.appendCodePoint(c);
            } else {
                sb.append("\\u{").append(Integer.toHexString(c)).append('}');
            }
        });
        return sb.append('"').toString();
    }

    private static int[] ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
