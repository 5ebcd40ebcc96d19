package io.qwen4j.chat.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.chat.parse.OutputEvent.ContentDelta;
import io.qwen4j.chat.parse.OutputEvent.ReasoningDelta;
import io.qwen4j.chat.parse.OutputEvent.ToolCallArgumentsDelta;
import io.qwen4j.chat.parse.OutputEvent.ToolCallEnd;
import io.qwen4j.chat.parse.OutputEvent.ToolCallStart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OutputParserTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static OutputParserOptions counted(OutputParserOptions options) {
        var n = new AtomicInteger();
        return options.withCallIds(() -> "call_" + n.getAndIncrement());
    }

    /** Parses at once and one character at a time; both must agree. */
    static ParsedOutput parse(String text, OutputParserOptions options) {
        ParsedOutput whole = OutputParser.parse(text, counted(options));
        var parser = new OutputParser(counted(options));
        text.codePoints().forEach(cp -> parser.feed(Character.toString(cp)));
        assertThat(parser.finish()).as("character by character").isEqualTo(whole);
        return whole;
    }

    static final OutputParserOptions NO_TOOLS = OutputParserOptions.of(false);
    static final OutputParserOptions THINKING = OutputParserOptions.of(true);

    static final JsonNode WEATHER = json("""
            {"type": "object", "properties": {
              "location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
              "days": {"type": "integer"}, "detailed": {"type": "boolean"}, "threshold": {"type": "number"},
              "tags": {"type": "array", "items": {"type": "string"}}, "filter": {"type": "object"},
              "note": {"anyOf": [{"type": "string"}, {"type": "null"}]}, "limit": {"type": ["integer", "string"]}},
             "required": ["location"]}""");
    static final OutputParserOptions TOOLS = OutputParserOptions.withTools(false, Map.of("get_weather", WEATHER));
    static final OutputParserOptions TOOLS_THINKING = OutputParserOptions.withTools(true, Map.of("get_weather", WEATHER));

    @Nested
    class Reasoning {
        @Test
        void qwen3ThinkBlockOpenedByTheModel() {
            var out = parse("<think>\nThe user greets me. I should greet back.\n</think>\n\nHello! How can I help?", NO_TOOLS);
            assertThat(out.reasoning()).isEqualTo("The user greets me. I should greet back.");
            assertThat(out.content()).isEqualTo("Hello! How can I help?");
        }

        @Test
        void promptOpenedThinkBlockEndsAtTheFirstClosingTag() {
            var out = parse("Let me think.\nStep 1: 2+2=4.\n</think>\n\nThe answer is 4. Later </think> is content.", THINKING);
            assertThat(out.reasoning()).isEqualTo("Let me think.\nStep 1: 2+2=4.");
            assertThat(out.content()).isEqualTo("The answer is 4. Later </think> is content.");
        }

        @Test
        void repeatedOpeningTagAfterAPromptThatOpenedItIsSkipped() {
            var out = parse("<think>\nhmm\n</think>\n\nok", THINKING);
            assertThat(out.reasoning()).isEqualTo("hmm");
            assertThat(out.content()).isEqualTo("ok");
        }

        @Test
        void truncatedReasoningIsAllReasoning() {
            var out = parse("I need to consider the <b>options</b> and\n\n", THINKING);
            assertThat(out.reasoning()).isEqualTo("I need to consider the <b>options</b> and");
            assertThat(out.content()).isEmpty();
        }

        @Test
        void thinkingOffMeansContentOnly() {
            var out = parse("Sure, here it is:\n<b>bold</b> <thinking> is not a tag", NO_TOOLS);
            assertThat(out.content()).isEqualTo("Sure, here it is:\n<b>bold</b> <thinking> is not a tag");
            assertThat(out.reasoning()).isEmpty();
        }

        @Test
        void thinkTagLaterInContentStaysContent() {
            var out = parse("Use the <think> tag like this: <think>x</think>.", NO_TOOLS);
            assertThat(out.content()).isEqualTo("Use the <think> tag like this: <think>x</think>.");
            assertThat(out.reasoning()).isEmpty();

            var after = parse("<think>a</think>b <think>c</think>", NO_TOOLS);
            assertThat(after.reasoning()).isEqualTo("a");
            assertThat(after.content()).isEqualTo("b <think>c</think>");
        }

        @Test
        void emptyThinkBlockGivesNoReasoning() {
            var out = parse("<think>\n\n</think>\n\nJust the answer.", NO_TOOLS);
            assertThat(out.reasoning()).isEmpty();
            assertThat(out.content()).isEqualTo("Just the answer.");
        }

        @Test
        void leadingWhitespaceIsContentWhenNoThinkBlockFollows() {
            assertThat(parse("\n\nHi", NO_TOOLS).content()).isEqualTo("\n\nHi");
            assertThat(parse("  \n", NO_TOOLS).content()).isEqualTo("  \n");
        }

        @Test
        void partialTagIsHeldBackUntilSettled() {
            var parser = new OutputParser(THINKING);
            assertThat(parser.feed("Thinking hard </thi")).containsExactly(new ReasoningDelta("Thinking hard"));
            assertThat(parser.feed("nk>\n\nDone")).containsExactly(new ContentDelta("Done"));

            var other = new OutputParser(THINKING);
            assertThat(other.feed("a </thi")).containsExactly(new ReasoningDelta("a"));
            assertThat(other.feed("ng")).containsExactly(new ReasoningDelta(" </thing"));
        }

        @Test
        void reasoningWhitespaceAtTheEdgesIsDroppedInsideKept() {
            var parser = new OutputParser(THINKING);
            assertThat(parser.feed("\n")).isEmpty();
            assertThat(parser.feed("one\n\n")).containsExactly(new ReasoningDelta("one"));
            assertThat(parser.feed("two")).containsExactly(new ReasoningDelta("\n\ntwo"));
            assertThat(parser.feed("\n</think>")).isEmpty();
            assertThat(parser.finish().reasoning()).isEqualTo("one\n\ntwo");
        }
    }

    @Nested
    class Hermes {
        @Test
        void qwen25SingleCall() {
            var out = parse("""
                    <tool_call>
                    {"name": "get_weather", "arguments": {"location": "Paris, France", "unit": "celsius"}}
                    </tool_call>""", TOOLS);
            assertThat(out.content()).isEmpty();
            assertThat(out.toolCalls()).containsExactly(
                    new ToolCall("call_0", "get_weather", "{\"location\": \"Paris, France\", \"unit\": \"celsius\"}"));
        }

        @Test
        void qwen3ReasoningContentAndParallelCalls() {
            var out = parse("""
                    <think>
                    The user wants the weather in two cities. I'll call get_weather twice.
                    </think>

                    Let me check both cities.
                    <tool_call>
                    {"name": "get_weather", "arguments": {"location": "Tokyo"}}
                    </tool_call>
                    <tool_call>
                    {"name": "get_time", "arguments": {"zone": "Europe/Berlin", "nested": {"a": [1, {"b": "}"}]}}}
                    </tool_call>""", TOOLS);
            assertThat(out.reasoning()).isEqualTo("The user wants the weather in two cities. I'll call get_weather twice.");
            assertThat(out.content()).isEqualTo("Let me check both cities.\n");
            assertThat(out.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
            assertThat(json(out.toolCalls().get(1).argumentsJson()))
                    .isEqualTo(json("{\"zone\": \"Europe/Berlin\", \"nested\": {\"a\": [1, {\"b\": \"}\"}]}}"));
        }

        @Test
        void argumentsStreamAsTheyArrive() {
            var parser = new OutputParser(counted(TOOLS));
            assertThat(parser.feed("<tool_call>\n{\"name\": \"get_we")).isEmpty();
            assertThat(parser.feed("ather\", \"arguments\": {\"loc")).containsExactly(
                    new ToolCallStart(0, "call_0", "get_weather"), new ToolCallArgumentsDelta(0, "{\"loc"));
            assertThat(parser.feed("ation\": \"Rome\"}")).containsExactly(new ToolCallArgumentsDelta(0, "ation\": \"Rome\"}"));
            assertThat(parser.feed("}\n</tool_")).isEmpty();
            assertThat(parser.feed("call>")).containsExactly(new ToolCallEnd(0));
            assertThat(parser.finish().toolCalls()).containsExactly(new ToolCall("call_0", "get_weather", "{\"location\": \"Rome\"}"));
        }

        @Test
        void closingTagInsideAStringArgumentIsText() {
            var out = parse("<tool_call>\n{\"name\": \"echo\", \"arguments\": {\"text\": \"a </tool_call> b\"}}\n</tool_call>", TOOLS);
            assertThat(out.toolCalls()).singleElement()
                    .extracting(ToolCall::argumentsJson).isEqualTo("{\"text\": \"a </tool_call> b\"}");
        }

        @Test
        void malformedJsonStaysContent() {
            String text = "<tool_call>\n{\"name\": get_weather, \"arguments\": {}}\n</tool_call>";
            var out = parse(text, TOOLS);
            assertThat(out.toolCalls()).isEmpty();
            assertThat(out.content()).isEqualTo(text);

            String notJson = "I will call <tool_call> now.";
            assertThat(parse(notJson, TOOLS).content()).isEqualTo(notJson);
        }

        @Test
        void missingClosingTagAtTheEnd() {
            var out = parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Oslo\"}}", TOOLS);
            assertThat(out.toolCalls()).containsExactly(new ToolCall("call_0", "get_weather", "{\"location\": \"Oslo\"}"));
            assertThat(out.content()).isEmpty();
        }

        @Test
        void truncatedArgumentsAreKeptAsWritten() {
            var out = parse("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Os", TOOLS);
            assertThat(out.toolCalls()).containsExactly(new ToolCall("call_0", "get_weather", "{\"location\": \"Os"));
        }

        @Test
        void argumentsAsAStringOrKeysReordered() {
            var asString = parse("<tool_call>\n{\"name\": \"f\", \"arguments\": \"{\\\"x\\\": 1}\"}\n</tool_call>", TOOLS);
            assertThat(asString.toolCalls()).containsExactly(new ToolCall("call_0", "f", "{\"x\": 1}"));

            var reordered = parse("<tool_call>\n{\"arguments\": {\"x\": 1.50}, \"name\": \"f\"}\n</tool_call>", TOOLS);
            assertThat(reordered.toolCalls()).containsExactly(new ToolCall("call_0", "f", "{\"x\":1.50}"));

            var noArguments = parse("<tool_call>{\"name\": \"now\"}</tool_call>", TOOLS);
            assertThat(noArguments.toolCalls()).containsExactly(new ToolCall("call_0", "now", "{}"));
        }

        @Test
        void compactAndUnbalancedForms() {
            var compact = parse("<tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call>Done.", TOOLS);
            assertThat(compact.toolCalls()).containsExactly(new ToolCall("call_0", "f", "{}"));
            assertThat(compact.content()).isEqualTo("Done.");

            var unbalanced = parse("<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 1\n</tool_call>\nok", TOOLS);
            assertThat(unbalanced.toolCalls()).containsExactly(new ToolCall("call_0", "f", "{\"a\": 1\n"));
            assertThat(unbalanced.content()).isEqualTo("ok");
        }

        @Test
        void contentAfterCallsIsKept() {
            var out = parse("<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>\n\nI called f.", TOOLS);
            assertThat(out.content()).isEqualTo("I called f.");
            assertThat(out.toolCalls()).hasSize(1);
        }

        @Test
        void withoutToolsTagsAreContent() {
            String text = "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>";
            var out = parse(text, NO_TOOLS);
            assertThat(out.content()).isEqualTo(text);
            assertThat(out.toolCalls()).isEmpty();
        }

        @Test
        void undeclaredNamesAreStillCalls() {
            var out = parse("<tool_call>\n{\"name\": \"unknown_tool\", \"arguments\": {}}\n</tool_call>", TOOLS);
            assertThat(out.toolCalls()).extracting(ToolCall::name).containsExactly("unknown_tool");
        }
    }

    @Nested
    class Xml {
        @Test
        void qwen35ThinkingThenCallWithTypedParameters() {
            var out = parse("""
                    The user wants a 3-day forecast.
                    </think>

                    <tool_call>
                    <function=get_weather>
                    <parameter=location>
                    San Francisco, CA
                    </parameter>
                    <parameter=days>
                    3
                    </parameter>
                    <parameter=detailed>
                    True
                    </parameter>
                    <parameter=threshold>
                    0.25
                    </parameter>
                    <parameter=tags>
                    ["rain", "wind"]
                    </parameter>
                    <parameter=filter>
                    {"min": 1}
                    </parameter>
                    <parameter=note>
                    null
                    </parameter>
                    </function>
                    </tool_call>""", TOOLS_THINKING);
            assertThat(out.reasoning()).isEqualTo("The user wants a 3-day forecast.");
            assertThat(out.content()).isEmpty();
            assertThat(out.toolCalls()).singleElement().satisfies(call -> {
                assertThat(call.name()).isEqualTo("get_weather");
                assertThat(call.argumentsJson()).isEqualTo("{\"location\":\"San Francisco, CA\",\"days\":3,\"detailed\":true,"
                        + "\"threshold\":0.25,\"tags\":[\"rain\",\"wind\"],\"filter\":{\"min\":1},\"note\":null}");
            });
        }

        @Test
        void stringValuesKeepInnerNewlinesAndStream() {
            var parser = new OutputParser(counted(OutputParserOptions.withTools(false, Map.of())));
            assertThat(parser.feed("<tool_call>\n<function=write_file>\n<parameter=content>\nline 1\n")).containsExactly(
                    new ToolCallStart(0, "call_0", "write_file"), new ToolCallArgumentsDelta(0, "{\"content\":\"line 1"));
            assertThat(parser.feed("\nline \"2\"\n\n</param")).containsExactly(new ToolCallArgumentsDelta(0, "\\n\\nline \\\"2\\\"\\n"));
            assertThat(parser.feed("eter>\n</function>\n</tool_call>")).containsExactly(
                    new ToolCallArgumentsDelta(0, "\"}"), new ToolCallEnd(0));
            assertThat(json(parser.finish().toolCalls().getFirst().argumentsJson()))
                    .isEqualTo(json("{\"content\": \"line 1\\n\\nline \\\"2\\\"\\n\"}"));
        }

        @Test
        void valuesThatDoNotFitTheirTypeStayStrings() {
            var out = parse("""
                    <tool_call>
                    <function=get_weather>
                    <parameter=days>
                    three
                    </parameter>
                    <parameter=limit>
                    ten
                    </parameter>
                    <parameter=filter>
                    {not json}
                    </parameter>
                    <parameter=location>
                    null
                    </parameter>
                    <parameter=extra>
                    42
                    </parameter>
                    </function>
                    </tool_call>""", TOOLS);
            assertThat(json(out.toolCalls().getFirst().argumentsJson())).isEqualTo(json(
                    "{\"days\": \"three\", \"limit\": \"ten\", \"filter\": \"{not json}\", \"location\": \"null\", \"extra\": \"42\"}"));
        }

        @Test
        void multipleCallsAfterContentAndCallWithoutParameters() {
            var out = parse("""
                    I'll look both up.

                    <tool_call>
                    <function=get_weather>
                    <parameter=location>
                    Lyon
                    </parameter>
                    </function>
                    </tool_call>
                    <tool_call>
                    <function=get_time>
                    </function>
                    </tool_call>""", TOOLS);
            assertThat(out.content()).isEqualTo("I'll look both up.\n\n");
            assertThat(out.toolCalls()).containsExactly(
                    new ToolCall("call_0", "get_weather", "{\"location\":\"Lyon\"}"),
                    new ToolCall("call_1", "get_time", "{}"));
        }

        @Test
        void unclosedTagsAtTheEndCloseTheCall() {
            var out = parse("<tool_call>\n<function=get_weather>\n<parameter=location>\nBer", TOOLS);
            assertThat(out.toolCalls()).containsExactly(new ToolCall("call_0", "get_weather", "{\"location\":\"Ber\"}"));

            var noParameterClose = parse("<tool_call>\n<function=get_weather>\n<parameter=location>\nBern\n<parameter=days>\n2\n</function>", TOOLS);
            assertThat(noParameterClose.toolCalls()).containsExactly(
                    new ToolCall("call_0", "get_weather", "{\"location\":\"Bern\",\"days\":2}"));
        }

        @Test
        void toolCallInsideReasoningEndsIt() {
            var out = parse("I should call the tool.\n<tool_call>\n<function=get_weather>\n<parameter=location>\nNice\n</parameter>\n</function>\n</tool_call>",
                    TOOLS_THINKING);
            assertThat(out.reasoning()).isEqualTo("I should call the tool.");
            assertThat(out.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather");
        }

        @Test
        void toolCallTagMentionedInReasoningStaysReasoning() {
            var out = parse("I must wrap it in <tool_call> tags.  \n</think>\n\nOK", TOOLS_THINKING);
            assertThat(out.reasoning()).isEqualTo("I must wrap it in <tool_call> tags.");
            assertThat(out.content()).isEqualTo("OK");
            assertThat(out.toolCalls()).isEmpty();

            var unclosed = parse("Maybe <tool_call>{'name': f} then.\n</think>\n\nDone", TOOLS_THINKING);
            assertThat(unclosed.reasoning()).isEqualTo("Maybe <tool_call>{'name': f} then.");
            assertThat(unclosed.content()).isEqualTo("Done");

            var spaces = parse("Plan:\n<tool_call>\nno call here</think>x", TOOLS_THINKING);
            assertThat(spaces.reasoning()).isEqualTo("Plan:\n<tool_call>\nno call here");
            assertThat(spaces.content()).isEqualTo("x");
        }

        @Test
        void functionTagWithoutNameIsContent() {
            String text = "<tool_call>\n<function=\nbroken";
            var out = parse(text, TOOLS);
            assertThat(out.toolCalls()).isEmpty();
            assertThat(out.content()).isEqualTo(text);
        }

        @Test
        void stringWithLessThanSignsComesThrough() {
            var out = parse("<tool_call>\n<function=run>\n<parameter=code>\nif (a < b && c </p) x = \"<tag>\";\n</parameter>\n</function>\n</tool_call>",
                    TOOLS);
            assertThat(json(out.toolCalls().getFirst().argumentsJson()))
                    .isEqualTo(json("{\"code\": \"if (a < b && c </p) x = \\\"<tag>\\\";\"}"));
        }
    }

    @Test
    void eventsOfOneFeedAreMergedAndFlushReleasesHeldText() {
        var parser = new OutputParser(TOOLS);
        assertThat(parser.feed("Hello <tool")).containsExactly(new ContentDelta("Hello "));
        assertThat(parser.flush()).containsExactly(new ContentDelta("<tool"));
        assertThat(parser.flush()).isEmpty();
        assertThat(parser.finish().content()).isEqualTo("Hello <tool");
        assertThatThrownBy(() -> parser.feed("more")).isInstanceOf(IllegalStateException.class).hasMessageContaining("ended");
        assertThatThrownBy(() -> new OutputParser(TOOLS).feed(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultIdsLookLikeOpenAis() {
        var out = OutputParser.parse("<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", TOOLS);
        assertThat(out.toolCalls().getFirst().id()).matches("call_[0-9a-f]{24}");
    }

    @Test
    void eventsReplayToTheResult() {
        String text = "<think>\nr\n</think>\n\nc <tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": [1]}}\n</tool_call>";
        var parser = new OutputParser(counted(TOOLS));
        var events = new ArrayList<OutputEvent>();
        for (int i = 0; i < text.length(); i += 3) events.addAll(parser.feed(text.substring(i, Math.min(text.length(), i + 3))));
        events.addAll(parser.flush());
        assertThat(replay(events)).isEqualTo(parser.finish());
    }

    /** What a client reconstructs from the events alone. */
    static ParsedOutput replay(List<OutputEvent> events) {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        var ids = new ArrayList<String>();
        var names = new ArrayList<String>();
        var arguments = new ArrayList<StringBuilder>();
        var ended = new ArrayList<Boolean>();
        for (OutputEvent e : events) {
            switch (e) {
                case ContentDelta(String t) -> content.append(t);
                case ReasoningDelta(String t) -> reasoning.append(t);
                case ToolCallStart(int index, String id, String name) -> {
                    assertThat(index).isEqualTo(ids.size());
                    ids.add(id);
                    names.add(name);
                    arguments.add(new StringBuilder());
                    ended.add(false);
                }
                case ToolCallArgumentsDelta(int index, String fragment) -> {
                    assertThat(ended.get(index)).as("arguments after the end of call %d", index).isFalse();
                    arguments.get(index).append(fragment);
                }
                case ToolCallEnd(int index) -> {
                    assertThat(ended.get(index)).as("call %d ended twice", index).isFalse();
                    ended.set(index, true);
                }
            }
        }
        assertThat(ended).as("every call ends").doesNotContain(false);
        var calls = new ArrayList<ToolCall>();
        for (int i = 0; i < ids.size(); i++) calls.add(new ToolCall(ids.get(i), names.get(i), arguments.get(i).toString()));
        return new ParsedOutput(content.toString(), reasoning.toString(), calls);
    }
}
