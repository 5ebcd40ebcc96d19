package io.qwen4j.sampling.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.sampling.Sampler;
import io.qwen4j.sampling.SamplingOptions;
import io.qwen4j.tokenizer.TestVocabularies;
import io.qwen4j.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The token-level constraint on the real Qwen3 vocabulary (151,669 tokens; 151,936 logits in the models). */
class GrammarConstraintTest {
    private static final Tokenizer QWEN3 = TestVocabularies.qwen3();
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PERSON = """
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"},
             "pets":{"type":"array","items":{"enum":["cat","dog"]},"maxItems":3},"ok":{"type":"boolean"}},
             "required":["name","age"]}""";

    private static int id(String text) {
        return QWEN3.id(text).orElseThrow();
    }

    private static GrammarConstraint after(Grammar grammar, String prefix) {
        var c = new GrammarConstraint(grammar, QWEN3);
        for (int t : QWEN3.encode(prefix, false)) c.accept(t);
        return c;
    }

    /** The mask and the single-token check agree on every token, in states of every kind. */
    @Test
    void maskAgreesWithAllows() {
        Grammar person = JsonSchemaCompiler.compile(PERSON), object = JsonSchemaCompiler.anyObject();
        var cases = new java.util.LinkedHashMap<String, Grammar>();
        for (String prefix : new String[] {"", "{\"name\":\"Bo", "{\"name\":\"Bo\",", "{\"name\":\"x\",\"age\":1", "{\"name\":\"x\",\"age\":12}"})
            cases.put(prefix, person);
        // free strings
        for (String prefix : new String[] {"{\"a\":\"x", "{\"a\":\"x\\u00", "{\"a\":\"中", "{\"a\":[\"", "{\""})
            cases.put(prefix, object);
        for (var e : cases.entrySet()) {
            String prefix = e.getKey();
            var c = after(e.getValue(), prefix);
            var logits = new float[QWEN3.vocabSize()];
            c.mask(logits);
            int allowed = 0;
            for (int t = 0; t < logits.length; t++) {
                boolean masked = logits[t] == Float.NEGATIVE_INFINITY;
                assertThat(c.allows(t)).as("token %d %s after %s", t, QWEN3.tokenText(t), prefix).isEqualTo(!masked);
                if (!masked) allowed++;
            }
            assertThat(allowed).as(prefix).isPositive();
        }
    }

    @Test
    void endOfGenerationOnlyWhenCompleteAndThenNothingElse() {
        Grammar object = JsonSchemaCompiler.anyObject();
        int imEnd = id("<|im_end|>"), endOfText = id("<|endoftext|>");
        var open = after(object, "{\"a\":1");
        assertThat(open.allows(imEnd)).isFalse();
        assertThat(open.allows(id("}"))).isTrue();
        var done = after(object, "{\"a\":1}");
        assertThat(done.complete()).isTrue();
        assertThat(done.allows(imEnd)).isTrue();
        assertThat(done.allows(endOfText)).isTrue();
        var logits = new float[QWEN3.vocabSize()];
        done.mask(logits);
        for (int t = 0; t < logits.length; t++)
            assertThat(logits[t] != Float.NEGATIVE_INFINITY).as("token %d", t).isEqualTo(QWEN3.isEndOfGeneration(t));
    }

    @Test
    void logitsBeyondTheTokenizersVocabularyAreMasked() {
        var c = after(JsonSchemaCompiler.anyObject(), "{\"a\":\"");
        var logits = new float[QWEN3.vocabSize() + 64]; // models pad their output rows
        c.mask(logits);
        for (int t = QWEN3.vocabSize(); t < logits.length; t++) assertThat(logits[t]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(c.allows(QWEN3.vocabSize() + 1)).isFalse();
    }

    @Test
    void theMaskOfARecurringStateIsReused() {
        var c = after(JsonSchemaCompiler.anyObject(), "{\"a\":\"x");
        var first = new float[QWEN3.vocabSize()];
        c.mask(first);
        c.accept(id("hello"));
        var second = new float[QWEN3.vocabSize()];
        long start = System.nanoTime();
        c.mask(second);
        long reused = System.nanoTime() - start;
        assertThat(second).containsExactly(first);
        var fresh = after(JsonSchemaCompiler.anyObject(), "{\"a\":\"xhello");
        var third = new float[QWEN3.vocabSize()];
        fresh.mask(third);
        assertThat(third).containsExactly(first);
        System.out.printf("mask inside a string: reused in %.2f ms%n", reused / 1e6);
    }

    @Test
    void specialTokensAreNeverAllowedInside() {
        var inString = after(JsonSchemaCompiler.anyObject(), "{\"a\":\"");
        for (String special : new String[] {"<|im_start|>", "<think>", "<tool_call>", "<|im_end|>"})
            assertThat(inString.allows(id(special))).as(special).isFalse();
        assertThat(inString.allows(id("hello"))).isTrue();
        assertThatThrownBy(() -> inString.accept(id("<think>"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not continue");
    }

    @Test
    void tokensThatSplitAMultiByteCharacterAreAllowedPieceByPiece() {
        // "中" is E4 B8 AD; a byte token E4 then B8 must be allowed inside a string, but not outside
        var inString = after(JsonSchemaCompiler.anyObject(), "{\"a\":\"");
        int lead = id(io.qwen4j.tokenizer.ByteLevel.encode(new byte[] {(byte) 0xE4}));
        assertThat(inString.allows(lead)).isTrue();
        inString.accept(lead);
        assertThat(inString.allows(id("\""))).isFalse();
        assertThat(after(JsonSchemaCompiler.anyObject(), "{\"a\":").allows(lead)).isFalse();
    }

    /** Random logits (nothing like a model's) sampled at temperature 1 still give valid JSON ending with EOS. */
    @Test
    void samplingUnderTheConstraintGivesValidJson() throws Exception {
        JsonNode schema = STRICT.readTree(PERSON);
        for (long seed = 1; seed <= 5; seed++) {
            var random = new Random(seed);
            var sampler = new Sampler(SamplingOptions.defaults().withTemperature(1).withTopK(0).withTopP(1).withMinP(0).withSeed(seed), QWEN3.vocabSize());
            var c = new GrammarConstraint(JsonSchemaCompiler.compile(PERSON), QWEN3);
            var logits = new float[QWEN3.vocabSize()];
            var out = new ByteArrayOutputStream();
            int token = -1;
            for (int step = 0; step < 400 && !(token >= 0 && QWEN3.isEndOfGeneration(token)); step++) {
                for (int i = 0; i < logits.length; i++) logits[i] = (float) random.nextGaussian() * 3;
                // favour the tokens that close things, or the 12-character name and 20-digit numbers take long
                for (String closing : new String[] {"\"", "}", "]", "<|im_end|>"}) logits[id(closing)] += 12;
                token = sampler.sample(logits, c);
                if (!QWEN3.isEndOfGeneration(token)) out.writeBytes(QWEN3.tokenBytes(token));
            }
            assertThat(QWEN3.isEndOfGeneration(token)).as("ended with EOS: %s", out).isTrue();
            JsonNode value = STRICT.readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(SchemaValidator.valid(value, schema)).as(value.toString()).isTrue();
        }
    }

    /**
     * Cost per token on the real vocabulary: the check of the sampled token (the common case) and the full mask
     * (when the sampled token is not allowed). Printed for the record; asserted only loosely.
     */
    @Test
    void costPerToken() {
        Grammar person = JsonSchemaCompiler.compile(PERSON), object = JsonSchemaCompiler.anyObject();
        var grammars = new Grammar[] {person, person, person, object, object};
        var prefixes = new String[] {"", "{\"name\":\"Bo", "{\"name\":\"Bob\",\"age\":4", "{\"a\":[1,{\"b\":\"x", "{\"a\":[1,"};
        var states = new GrammarConstraint[grammars.length];
        for (int i = 0; i < states.length; i++) states[i] = after(grammars[i], prefixes[i]);
        int hello = id("hello");
        var checkMicros = new double[states.length];
        for (int i = 0; i < states.length; i++) {
            for (int k = 0; k < 20_000; k++) states[i].allows(hello); // warm-up
            long start = System.nanoTime();
            int n = 20_000;
            for (int k = 0; k < n; k++) states[i].allows(hello);
            checkMicros[i] = (System.nanoTime() - start) / 1e3 / n;
        }
        var logits = new float[QWEN3.vocabSize()];
        var maskMillis = new double[states.length];
        for (int i = 0; i < states.length; i++) {
            long total = 0;
            int n = 6;
            for (int k = 0; k <= n; k++) {
                var fresh = after(grammars[i], prefixes[i]); // a new constraint: nothing cached
                long start = System.nanoTime();
                fresh.mask(logits);
                if (k > 0) total += System.nanoTime() - start; // the first is a warm-up
            }
            maskMillis[i] = total / 1e6 / n;
        }
        long trieStart = System.nanoTime();
        var trie = new VocabularyTrie(QWEN3);
        System.out.printf("vocabulary trie: %d nodes, built in %.0f ms%n", trie.nodeCount(), (System.nanoTime() - trieStart) / 1e6);
        System.out.printf("constraint cost on %d tokens: check %s us; mask %s ms (start, in string, in number, "
                + "free object in string, free object after comma)%n", QWEN3.vocabSize(), Arrays.toString(checkMicros), Arrays.toString(maskMillis));
        assertThat(Arrays.stream(checkMicros).max().orElseThrow()).isLessThan(1000);
    }
}
