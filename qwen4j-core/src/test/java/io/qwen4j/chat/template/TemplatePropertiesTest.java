package io.qwen4j.chat.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TemplatePropertiesTest {
    private static final ChatTemplate QWEN3 = ChatTemplate.parse(OracleCorpusTest.resource("templates/qwen3.jinja"));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Text made to look like template syntax, mixed with anything else. */
    @Provide
    Arbitrary<String> userText() {
        Arbitrary<String> syntax = Arbitraries.of("{{", "}}", "{%", "%}", "{#", "#}", "-", "+", " ", "\n", "raw", "endraw",
                "if", "x", "'", "\"", "\\", "<|im_end|>", "<think>", "</think>", "👋", "é", ".", "(", ")", "|", "=", "[", "]",
                "99999999999999999999", "for", "in", "endfor", "set");
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                syntax.list().ofMaxSize(25).map(parts -> String.join("", parts)));
    }

    @Property(tries = 300)
    void userTextIsEmittedVerbatimNeverEvaluated(@ForAll("userText") String text) {
        String rendered = QWEN3.render(List.of(Map.of("role", "user", "content", text)), null, false, Map.of());
        assertThat(rendered).isEqualTo("<|im_start|>user\n" + text + "<|im_end|>\n");
    }

    @Property(tries = 300)
    void tojsonRoundTripsAnyString(@ForAll("userText") String text) throws Exception {
        String json = ChatTemplate.parse("{{ s|tojson }}").render(List.of(), null, false, Map.of("s", text));
        assertThat(JSON.readValue(json, String.class)).isEqualTo(text);
    }

    /** Arbitrary template sources either parse and render or fail with a TemplateException; nothing else escapes. */
    @Property(tries = 500)
    void anySourceFailsCleanly(@ForAll("userText") String source) {
        try {
            ChatTemplate.parse(source).render(List.of(), null, true, Map.of("x", List.of(1, "a")));
        } catch (TemplateException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
