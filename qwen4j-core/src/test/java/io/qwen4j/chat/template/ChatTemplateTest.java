package io.qwen4j.chat.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.chat.ChatMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {
    private static String render(String source, Map<String, Object> vars) {
        return ChatTemplate.parse(source).render(List.of(), null, false, vars);
    }

    private static String render(String source) {
        return render(source, Map.of());
    }

    @Test
    void typedMessagesRenderLikeTheirOpenAiShape() {
        var template = ChatTemplate.parse(OracleCorpusTest.resource("templates/qwen3.jinja"));
        var call = new ChatMessage.ToolCall("c1", "get_weather", Map.of("city", "Paris"));
        List<ChatMessage> typed = List.of(ChatMessage.system("sys"), ChatMessage.user("Weather?"),
                ChatMessage.assistant(null, "need a tool", List.of(call)), ChatMessage.tool("{\"t\": 20}", "c1"),
                ChatMessage.assistant("20 degrees"));
        List<Map<String, Object>> maps = List.of(
                Map.of("role", "system", "content", "sys"),
                Map.of("role", "user", "content", "Weather?"),
                new LinkedHashMap<>(Map.of("role", "assistant", "reasoning_content", "need a tool", "tool_calls",
                        List.of(Map.of("id", "c1", "type", "function",
                                "function", Map.of("name", "get_weather", "arguments", Map.of("city", "Paris")))))),
                Map.of("role", "tool", "content", "{\"t\": 20}", "tool_call_id", "c1"),
                Map.of("role", "assistant", "content", "20 degrees"));
        maps.get(2).put("content", ""); // null content is passed as "" (see toTemplateMessage)
        String expected = template.render(maps, null, true, Map.of());
        assertThat(template.renderMessages(typed, null, true, Map.of())).isEqualTo(expected);
        assertThat(expected).contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")
                .contains("<tool_response>\n{\"t\": 20}\n</tool_response>");
    }

    @Test
    void chatMessageKeepsItsTwoFieldForm() {
        var m = new ChatMessage("user", "hi");
        assertThat(m.toolCalls()).isEmpty();
        assertThat(m.reasoningContent()).isNull();
        assertThatThrownBy(() -> new ChatMessage("user", null)).isInstanceOf(NullPointerException.class);
        assertThat(ChatTemplate.toTemplateMessage(m)).containsExactly(Map.entry("role", "user"), Map.entry("content", "hi"));
    }

    @Test
    void specialTokensAndKwargsAreVariables() {
        var t = ChatTemplate.parse("{{ bos_token }}|{{ eos_token }}|{{ enable_thinking }}|{{ add_generation_prompt }}|{{ tools }}")
                .withSpecialTokens(null, "<|im_end|>");
        assertThat(t.render(List.of(), null, true, Map.of("enable_thinking", false))).isEqualTo("|<|im_end|>|False|True|None");
    }

    @Test
    void strftimeNowReadsTheClock() {
        var clock = Clock.fixed(Instant.parse("2026-03-05T14:07:09Z"), ZoneOffset.UTC);
        var t = ChatTemplate.parse("{{ strftime_now('%d %b %Y, %A %B %H:%M:%S %j %p %I %y %%') }}").withClock(clock);
        assertThat(t.render(List.of(), null, false, Map.of())).isEqualTo("05 Mar 2026, Thursday March 14:07:09 064 PM 02 26 %");
    }

    @Test
    void raiseExceptionIsAClearException() {
        assertThatThrownBy(() -> render("{{ raise_exception('Only user and assistant roles are supported!') }}"))
                .isExactlyInstanceOf(TemplateException.Raised.class)
                .hasMessage("Only user and assistant roles are supported!");
    }

    @Test
    void runtimeErrorsNameTheLine() {
        assertThatThrownBy(() -> render("ok\n{{ 'a' + 1 }}")).isInstanceOf(TemplateException.class)
                .hasMessageContaining("can only concatenate str").hasMessageContaining("line 2");
        assertThatThrownBy(() -> render("\n\n{{ nope.attr }}")).hasMessageContaining("'nope' is undefined").hasMessageContaining("line 3");
        assertThatThrownBy(() -> render("{% frobnicate %}")).hasMessageContaining("unknown tag 'frobnicate'");
        assertThatThrownBy(() -> render("{{ x | nosuch }}")).hasMessageContaining("no filter named 'nosuch'");
        assertThatThrownBy(() -> render("{{ 'unterminated }}")).hasMessageContaining("unexpected end of string");
        assertThatThrownBy(() -> render("{{ x.99999999999999999999 }}")).isInstanceOf(TemplateException.class)
                .hasMessageContaining("integer literal too large");
    }

    @Test
    void noneIsDistinctFromUndefined() {
        var vars = new LinkedHashMap<String, Object>();
        vars.put("n", null);
        assertThat(render("[{{ n }}][{{ u }}][{{ n is none }}][{{ u is defined }}][{{ n.x }}]", vars)).isEqualTo("[None][][True][False][]");
        assertThatThrownBy(() -> render("{{ u.x }}")).hasMessageContaining("'u' is undefined");
        assertThatThrownBy(() -> render("{{ u + 1 }}")).hasMessageContaining("'u' is undefined");
    }

    @Test
    void floatsPrintLikePythonRepr() {
        assertThat(Py.floatRepr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(Py.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(Py.floatRepr(1e15)).isEqualTo("1000000000000000.0");
        assertThat(Py.floatRepr(123456789.0)).isEqualTo("123456789.0");
        assertThat(Py.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(Py.floatRepr(0.00001)).isEqualTo("1e-05");
        assertThat(Py.floatRepr(-0.0)).isEqualTo("-0.0");
        assertThat(Py.floatRepr(5e-324)).isEqualTo("5e-324");
        assertThat(Py.floatRepr(1.7976931348623157e308)).isEqualTo("1.7976931348623157e+308");
        assertThat(Py.floatRepr(2.5)).isEqualTo("2.5");
        assertThat(render("{{ 1.0|tojson }} {{ (1/3)|tojson }} {{ 10**20 if false else 1e20 }}")).isEqualTo("1.0 0.3333333333333333 1e+20");
    }

    @Test
    void callerValuesBecomeTemplateValues() {
        assertThat(render("{{ i + 1 }} {{ f }} {{ i is integer }} {{ l[0] }}", Map.of("i", 41, "f", 1.5f, "l", new Object[] {"a"})))
                .isEqualTo("42 1.5 True a");
        assertThatThrownBy(() -> render("{{ x }}", Map.of("x", Map.of("k", new Object() {}))))
                .isInstanceOf(TemplateException.class).hasMessageContaining("x.k: unsupported value type");
    }

    @Test
    void sandboxRefusesToChangeTheCallersData() {
        var list = new java.util.ArrayList<Object>(List.of(1));
        assertThatThrownBy(() -> render("{{ l.append(2) }}", Map.of("l", list))).hasMessageContaining("unsafe");
        assertThat(render("{% set l2 = l + [2] %}{{ l2 }}{{ l }}", Map.of("l", list))).isEqualTo("[1, 2][1]");
        assertThat(list).containsExactly(1);
    }

    @Test
    void runawayRecursionIsAnErrorNotACrash() {
        assertThatThrownBy(() -> render("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("too deep");
        String deep = "{{ " + "(".repeat(20_000) + "1" + ")".repeat(20_000) + " }}";
        assertThatThrownBy(() -> ChatTemplate.parse(deep)).isInstanceOf(TemplateException.class).hasMessageContaining("too deep");
    }

    @Test
    void generationBlocksRenderTheirBodyInTheirOwnScope() {
        // transformers' AssistantTracker renders {% generation %} as a call block (the oracle script has no such tag)
        var messages = List.<Map<String, Object>>of(Map.of("role", "user", "content", "q"), Map.of("role", "assistant", "content", "a"));
        String source = "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}{{ m.content }}{% set inner = 1 %}"
                + "{% endgeneration %}{% else %}[{{ m.content }}]{% endif %}{% endfor %}{{ inner is defined }}";
        assertThat(ChatTemplate.parse(source).render(messages, null, false, Map.of())).isEqualTo("[q]aFalse");
    }

    @Test
    void rangeIsBounded() {
        assertThat(render("{{ range(3)|list }} {{ range(5, 0, -2)|list }}")).isEqualTo("[0, 1, 2] [5, 3, 1]");
        assertThatThrownBy(() -> render("{{ range(10**9)|length }}")).hasMessageContaining("range too big");
    }
}
