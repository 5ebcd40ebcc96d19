package io.qwen4j.chat.parse;

import static io.qwen4j.chat.parse.OutputParserTest.counted;
import static io.qwen4j.chat.parse.OutputParserTest.json;
import static io.qwen4j.chat.parse.OutputParserTest.replay;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.parse.OutputEvent.ToolCallStart;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The committed corpus of drifted model outputs (chat-parse/drifted-outputs.json): each parses to its expected content,
 * reasoning and calls, and gives exactly that however it is cut: at every position into two chunks, into token-like
 * pieces, and one character at a time. No chunking may let a piece of a tag into the content or lose a call.
 */
class DriftedOutputCorpusTest {
    private static final Map<String, JsonNode> SCHEMAS = Map.of(
            "get_weather", json("""
                    {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer"}}}"""),
            "search", json("""
                    {"type": "object", "properties": {"query": {"type": "string"}}}"""));
    /** Roughly how a BPE vocabulary cuts text: words, single punctuation marks, runs of white space. */
    private static final Pattern TOKEN_LIKE = Pattern.compile("\\s+|\\w+|[^\\w\\s]");

    record Case(String id, String output, OutputParserOptions options, ParsedOutput expected) {}

    static List<Case> cases() throws IOException {
        JsonNode root;
        try (InputStream in = DriftedOutputCorpusTest.class.getResourceAsStream("/chat-parse/drifted-outputs.json")) {
            root = OutputParserTest.json(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        var cases = new ArrayList<Case>();
        for (JsonNode c : root.get("cases")) {
            boolean thinking = c.get("starts_in_reasoning").asBoolean();
            OutputParserOptions options;
            if (c.get("tools").isNull()) {
                options = OutputParserOptions.of(thinking);
            } else {
                var schemas = new LinkedHashMap<String, JsonNode>();
                for (JsonNode name : c.get("tools")) schemas.put(name.asText(), SCHEMAS.get(name.asText()));
                options = OutputParserOptions.withTools(thinking, schemas);
            }
            var calls = new ArrayList<ToolCall>();
            for (JsonNode call : c.get("calls")) {
                calls.add(new ToolCall("call_" + calls.size(), call.get("name").asText(), call.get("arguments").asText()));
            }
            cases.add(new Case(c.get("id").asText(), c.get("output").asText(), counted(options),
                    new ParsedOutput(c.get("content").asText(), c.get("reasoning").asText(), calls)));
        }
        return cases;
    }

    @Test
    void theCorpusCoversTheDrifts() throws IOException {
        var ids = cases().stream().map(Case::id).toList();
        assertThat(ids).hasSizeGreaterThanOrEqualTo(20).doesNotHaveDuplicates()
                .contains("bare_xml_declared", "bare_xml_undeclared", "hermes_bare_object", "hermes_several_in_a_row",
                        "bare_xml_in_reasoning", "hermes_unclosed_at_end", "xml_extra_whitespace");
    }

    @TestFactory
    Stream<DynamicTest> eachOutputParsesAsExpectedHoweverItIsCut() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            assertThat(OutputParser.parse(c.output(), fresh(c))).as("one shot").isEqualTo(c.expected());
            String text = c.output();
            for (int cut = 0; cut <= text.length(); cut++) {
                check(c, List.of(text.substring(0, cut), text.substring(cut)), "cut at " + cut);
            }
            var tokens = new ArrayList<String>();
            var m = TOKEN_LIKE.matcher(text);
            while (m.find()) tokens.add(m.group());
            assertThat(String.join("", tokens)).isEqualTo(text);
            check(c, tokens, "token-like pieces");
            check(c, text.codePoints().mapToObj(Character::toString).toList(), "one character at a time");
        }));
    }

    /** Feeds the pieces; the events replay to the expected output, and the parser's own result is the same. */
    private static void check(Case c, List<String> pieces, String how) {
        var parser = new OutputParser(fresh(c));
        var events = new ArrayList<OutputEvent>();
        for (String piece : pieces) events.addAll(parser.feed(piece));
        events.addAll(parser.flush());
        assertThat(parser.finish()).as(how).isEqualTo(c.expected());
        assertThat(replay(events)).as(how + ", events").isEqualTo(c.expected());
        assertThat(events.stream().filter(e -> e instanceof ToolCallStart).count()).as(how + ", calls started")
                .isEqualTo(c.expected().toolCalls().size());
    }

    /** The case's options with call ids counted from 0 again. */
    private static OutputParserOptions fresh(Case c) {
        return counted(c.options());
    }
}
