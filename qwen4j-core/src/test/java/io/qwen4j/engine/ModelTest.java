package io.qwen4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.sampling.constraint.JsonSchemaCompiler;
import io.qwen4j.sampling.constraint.OutputFormat;
import io.qwen4j.chat.ChatMessage;
import io.qwen4j.sampling.SamplingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API on a generated model: streaming, stopping, cancelling, reuse of the cache between turns. */
class ModelTest {
    @TempDir
    static Path dir;

    static Model model;

    @BeforeAll
    static void open() throws Exception {
        model = TinyModels.open(dir);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void tokensStreamThenOneDoneWithTheWholeText() {
        var events = new ArrayList<GenerationEvent>();
        var done = model.chat(List.of(ChatMessage.user("hello")), GenerationRequest.greedy(10)).stream(events::add);
        assertThat(events.getLast()).isSameAs(done);
        assertThat(events.stream().filter(e -> e instanceof GenerationEvent.Done).count()).isEqualTo(1);
        var streamed = new StringBuilder();
        events.forEach(e -> { if (e instanceof GenerationEvent.Token t) streamed.append(t.text()); });
        assertThat(streamed.toString()).isEqualTo(done.text());
        assertThat(done.timings().promptTokens()).isPositive();
        assertThat(done.timings().generatedTokens()).isBetween(1, 10);
        if (done.reason() == FinishReason.LENGTH) assertThat(done.timings().generatedTokens()).isEqualTo(10);
    }

    @Test
    void sameSeedSameText() {
        var request = GenerationRequest.defaults().withSampling(SamplingOptions.defaults().withSeed(1234)).withMaxTokens(12);
        String a = model.complete("the sky is", request).await().text();
        String b = model.complete("the sky is", request).await().text();
        assertThat(a).isEqualTo(b);
    }

    @Test
    void secondChatTurnReusesTheFirstTurnsCache() {
        var chat = model.newChat();
        var first = chat.send("hello", GenerationRequest.greedy(6)).await();
        assertThat(first.timings().reusedTokens()).isZero();
        var second = chat.send("what is the sky", GenerationRequest.greedy(6)).await();
        // The first turn's prompt is reused (and the reply too, where re-tokenizing it gives the sampled tokens;
        // a reply starting with a newline may merge with the prompt's last token, hence the slack of one).
        assertThat(second.timings().reusedTokens()).isGreaterThanOrEqualTo(first.timings().promptTokens() - 1);
        assertThat(chat.messages()).extracting(ChatMessage::role).containsExactly("user", "assistant", "user", "assistant");
    }

    @Test
    void cancelEndsTheGeneration() {
        Generation g = model.complete("hello world", GenerationRequest.greedy(-1).withSampling(SamplingOptions.greedy()));
        int tokens = 0;
        GenerationEvent last = null;
        while (g.hasNext()) {
            last = g.next();
            if (last instanceof GenerationEvent.Token && ++tokens == 3) g.cancel();
        }
        assertThat(last).isInstanceOfSatisfying(GenerationEvent.Done.class,
                d -> assertThat(d.reason()).isIn(FinishReason.CANCELLED, FinishReason.STOP));
        assertThat(tokens).isLessThanOrEqualTo(4);
    }

    @Test
    void stopStringCutsTheText() {
        // Greedy text first, then stop on a piece of it.
        String free = model.complete("the model", GenerationRequest.greedy(20)).await().text();
        if (free.length() < 4) return; // ended early: nothing to cut
        String stop = free.substring(2, 4);
        var done = model.complete("the model", GenerationRequest.greedy(20).withStop(List.of(stop))).await();
        assertThat(done.reason()).isEqualTo(FinishReason.STOP);
        assertThat(done.text()).isEqualTo(free.substring(0, free.indexOf(stop)));
    }

    @Test
    void contextOverflowIsAnHonestError() {
        String longPrompt = "hello world ".repeat(200);
        assertThatThrownBy(() -> model.complete(longPrompt, GenerationRequest.greedy(4)))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessageContaining("context holds 256");
    }

    @Test
    void generationStopsAtTheContextEnd() {
        var session = model.newSession();
        int[] prompt = model.tokenizer().encode("hello ".repeat(60));
        var done = session.generate(prompt, GenerationRequest.greedy(-1).withStop(List.of())).await();
        assertThat(done.reason()).isIn(FinishReason.LENGTH, FinishReason.STOP);
        assertThat(prompt.length + done.timings().generatedTokens()).isLessThanOrEqualTo(256 + 1);
    }

    // ---- structured output: JSON-constrained generation is valid JSON whatever the weights ----

    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PERSON_SCHEMA = """
            {"type":"object","properties":{
               "name":{"type":"string","maxLength":6},
               "age":{"type":"integer"},
               "pet":{"enum":["cat","dog",null]},
               "tags":{"type":"array","items":{"type":"boolean"},"maxItems":2}},
             "required":["name","age"],"additionalProperties":false}""";

    @Test
    void schemaOutputParsesValidatesAndStops() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            var request = GenerationRequest.defaults().withSampling(SamplingOptions.defaults().withTemperature(1).withSeed(seed))
                    .withMaxTokens(200).withJsonSchema(PERSON_SCHEMA);
            var done = model.chat(List.of(ChatMessage.user("who are you?")), request).await();
            assertThat(done.reason()).as("seed %d: %s", seed, done.text()).isEqualTo(FinishReason.STOP);
            assertThat(done.timings().generatedTokens()).as(done.text()).isLessThan(150); // room left in the context
            JsonNode value = STRICT.readTree(done.text());
            assertThat(value.get("name").isTextual()).as(done.text()).isTrue();
            assertThat(value.get("name").asText().codePointCount(0, value.get("name").asText().length())).isLessThanOrEqualTo(6);
            assertThat(value.get("age").isIntegralNumber()).as(done.text()).isTrue();
            value.fieldNames().forEachRemaining(k -> assertThat(k).isIn("name", "age", "pet", "tags"));
            if (value.has("pet")) assertThat(value.get("pet").isNull() || List.of("cat", "dog").contains(value.get("pet").asText())).isTrue();
            if (value.has("tags")) assertThat(value.get("tags").size()).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void greedyJsonObjectOutputIsAnObjectOrAValidPrefix() throws Exception {
        var request = GenerationRequest.greedy(200).withJsonObject();
        var done = model.complete("json:", request).await();
        if (done.reason() == FinishReason.STOP) {
            assertThat(STRICT.readTree(done.text()).isObject()).as(done.text()).isTrue();
        } else {
            assertThat(done.reason()).isEqualTo(FinishReason.LENGTH);
            assertThat(JsonSchemaCompiler.anyObject().start()
                    .advance(done.text().getBytes(java.nio.charset.StandardCharsets.UTF_8))).as(done.text()).isNotNull();
        }
        assertThat(done.text()).startsWith("{");
    }

    @Test
    void requestsKeepTheirFormatThroughTheWithers() {
        var request = GenerationRequest.greedy(5).withJsonObject().withMaxTokens(9).withStop(List.of("x")).withSampling(SamplingOptions.greedy());
        assertThat(request.format()).isInstanceOf(OutputFormat.Json.class);
        assertThat(new GenerationRequest(SamplingOptions.greedy(), 3, List.of()).format())
                .isInstanceOf(OutputFormat.Text.class);
        assertThatThrownBy(() -> GenerationRequest.greedy(5).withJsonSchema("{\"not\":{}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'not'");
    }
}
