package io.qwen4j.chat.parse;

import static io.qwen4j.chat.parse.OutputParserTest.counted;
import static io.qwen4j.chat.parse.OutputParserTest.json;
import static io.qwen4j.chat.parse.OutputParserTest.replay;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwen4j.chat.parse.OutputEvent.ContentDelta;
import io.qwen4j.chat.parse.OutputEvent.ReasoningDelta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class OutputParserPropertiesTest {

    // ---- any text: the split never matters

    /** Pieces of tags, whole tags and JSON punctuation, so that near-misses and real tags both occur often. */
    private static final List<String> FRAGMENTS = List.of(
            "<think>", "</think>", "<tool_call>", "</tool_call>", "<function=f>", "<function=", "</function>",
            "<parameter=p>", "<parameter=", "</parameter>", "{\"name\": \"f\", \"arguments\": ", "{\"name\":\"g\"}",
            "{", "}", "[", "]", "\"", "\\", ":", ",", "\n", " ", "\n\n", "a", "b c", "<", ">", "/", "<tool", "</thi",
            "<think", "</tool_call", "null", "1", "é", "😀");

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.of(FRAGMENTS).list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 200).list().ofMaxSize(20);
    }

    @Provide
    Arbitrary<OutputParserOptions> options() {
        var schema = json("{\"type\": \"object\", \"properties\": {\"p\": {\"type\": \"integer\"}}}");
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((thinking, tools) -> tools
                        ? OutputParserOptions.withTools(thinking, Map.of("f", schema))
                        : OutputParserOptions.of(thinking));
    }

    @Property(tries = 3000)
    void anySplitGivesTheOneShotResult(@ForAll("anyText") String text, @ForAll("cuts") List<Integer> cuts,
                                       @ForAll("options") OutputParserOptions options) {
        ParsedOutput whole = OutputParser.parse(text, counted(options));
        var parser = new OutputParser(counted(options));
        var events = new ArrayList<OutputEvent>();
        for (String piece : split(text, cuts)) events.addAll(parser.feed(piece));
        events.addAll(parser.flush());
        ParsedOutput streamed = parser.finish();

        assertThat(streamed).isEqualTo(whole);
        assertThat(replay(events)).isEqualTo(whole);
    }

    @Property(tries = 2000)
    void textWithoutTagsComesThroughUnchanged(@ForAll("anyText") String text, @ForAll("cuts") List<Integer> cuts) {
        // Break every complete tag that could start reasoning or a call; near-misses stay.
        String plain = text.replace("<tool_call>", "<tool call>").replaceFirst("^\\s*<think>", "<thinks>");
        var options = OutputParserOptions.withTools(false, Map.of());
        var parser = new OutputParser(options);
        var content = new StringBuilder();
        for (String piece : split(plain, cuts)) content.append(contentOf(parser.feed(piece)));
        content.append(contentOf(parser.flush()));
        assertThat(content.toString()).isEqualTo(plain);
        assertThat(parser.finish()).isEqualTo(new ParsedOutput(plain, "", List.of()));
    }

    // ---- well-formed outputs: the parts come back, and no tag leaks

    /** A generated model output and what it must parse to. */
    record Sample(String text, boolean startsInReasoning, String reasoning, String content, List<Call> calls) {}

    record Call(String name, Map<String, String> arguments, boolean xml) {}

    /** Words without '<' or edge whitespace, so every '<' in a sample belongs to a tag. */
    private static Arbitrary<String> words() {
        return Arbitraries.strings().withChars("abcxyz {}[]\":,\\/>=é\n").ofMinLength(1).ofMaxLength(25)
                .map(String::strip).filter(s -> !s.isEmpty());
    }

    private static Arbitrary<Call> call() {
        var names = Arbitraries.strings().withChars("abcdef_").ofMinLength(1).ofMaxLength(8);
        var arguments = Arbitraries.maps(names, words()).ofMaxSize(3).map(LinkedHashMap::new);
        return Combinators.combine(names, arguments, Arbitraries.of(true, false)).as(Call::new);
    }

    @Provide
    Arbitrary<Sample> samples() {
        var reasoning = Arbitraries.oneOf(Arbitraries.just(""), words());
        var content = Arbitraries.oneOf(Arbitraries.just(""), words());
        return Combinators.combine(Arbitraries.of(true, false), reasoning, content, call().list().ofMaxSize(3))
                .as(OutputParserPropertiesTest::render);
    }

    private static Sample render(boolean startsInReasoning, String reasoning, String content, List<Call> calls) {
        var text = new StringBuilder();
        if (startsInReasoning) text.append(reasoning).append("\n</think>\n\n");
        else if (!reasoning.isEmpty()) text.append("<think>\n").append(reasoning).append("\n</think>\n\n");
        text.append(content);
        String expectedContent = content;
        if (!calls.isEmpty() && !content.isEmpty()) {
            text.append("\n");
            expectedContent += "\n";
        }
        for (Call call : calls) {
            text.append("<tool_call>\n");
            if (call.xml()) {
                text.append("<function=").append(call.name()).append(">\n");
                call.arguments().forEach((k, v) -> text.append("<parameter=").append(k).append(">\n").append(v).append("\n</parameter>\n"));
                text.append("</function>\n");
            } else {
                ObjectNode args = JsonNodeFactory.instance.objectNode();
                call.arguments().forEach(args::put);
                text.append("{\"name\": \"").append(call.name()).append("\", \"arguments\": ").append(args).append("}\n");
            }
            text.append("</tool_call>\n");
        }
        return new Sample(text.toString(), startsInReasoning, reasoning, expectedContent, calls);
    }

    @Property(tries = 2000)
    void wellFormedOutputsComeApartIntoTheirPieces(@ForAll("samples") Sample sample, @ForAll("cuts") List<Integer> cuts) {
        var options = counted(OutputParserOptions.withTools(sample.startsInReasoning(), Map.of()));
        var parser = new OutputParser(options);
        var events = new ArrayList<OutputEvent>();
        for (String piece : split(sample.text(), cuts)) events.addAll(parser.feed(piece));
        events.addAll(parser.flush());
        ParsedOutput out = parser.finish();

        assertThat(replay(events)).isEqualTo(out);
        assertThat(out.reasoning()).isEqualTo(sample.reasoning());
        assertThat(out.content()).isEqualTo(sample.content());
        assertThat(out.toolCalls()).hasSameSizeAs(sample.calls());
        for (int i = 0; i < out.toolCalls().size(); i++) {
            ToolCall call = out.toolCalls().get(i);
            Call expected = sample.calls().get(i);
            assertThat(call.name()).isEqualTo(expected.name());
            JsonNode expectedArgs = JsonNodeFactory.instance.objectNode().setAll(toNodes(expected.arguments()));
            assertThat(json(call.argumentsJson())).isEqualTo(expectedArgs);
        }
        // Every '<' of a sample is part of a tag: none may leak into text, not even a piece of one.
        for (OutputEvent e : events) {
            if (e instanceof ContentDelta(String t)) assertThat(t).doesNotContain("<");
            if (e instanceof ReasoningDelta(String t)) assertThat(t).doesNotContain("<");
        }
    }

    private static Map<String, JsonNode> toNodes(Map<String, String> arguments) {
        var nodes = new LinkedHashMap<String, JsonNode>();
        arguments.forEach((k, v) -> nodes.put(k, JsonNodeFactory.instance.textNode(v)));
        return nodes;
    }

    private static String contentOf(List<OutputEvent> events) {
        var sb = new StringBuilder();
        for (OutputEvent e : events) {
            if (e instanceof ContentDelta(String t)) sb.append(t);
            else throw new AssertionError("only content expected, got " + e);
        }
        return sb.toString();
    }

    /** Cuts at the given points (clamped, and moved off the middle of a surrogate pair); empty pieces included. */
    static List<String> split(String text, List<Integer> cuts) {
        var points = new TreeSet<Integer>();
        for (int c : cuts) {
            int at = Math.min(c, text.length());
            if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) at--;
            points.add(at);
        }
        points.add(text.length());
        var pieces = new ArrayList<String>();
        int from = 0;
        for (int to : points) {
            pieces.add(text.substring(from, to));
            from = to;
        }
        return pieces;
    }
}
