package io.qwen4j.chat.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Byte equality with Python transformers' apply_chat_template on the real Qwen templates, and with Python Jinja2
 * on small templates that pin down its semantics. The expected outputs were made by
 * scripts/make-chat-template-corpus.py (see the README next to the data).
 */
class OracleCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIR = "/chat-templates/";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String name) {
        try (InputStream in = OracleCorpusTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + DIR + name);
            return JSON.readValue(in, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resource(String name) {
        try (InputStream in = OracleCorpusTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + DIR + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> doc, String key) {
        return (List<Map<String, Object>>) doc.get(key);
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> items) {
        var map = new HashMap<String, Map<String, Object>>();
        for (var item : items) map.put((String) item.get("id"), item);
        return map;
    }

    @Test
    void corpusIsLargeAndCoversTheTemplates() {
        var cases = list(json("cases.json"), "cases");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
        assertThat(cases.stream().map(c -> c.get("template")).distinct()).hasSize(6);
        assertThat(list(json("expected.json"), "cases")).filteredOn(c -> c.containsKey("error")).isNotEmpty();
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> realTemplatesRenderLikeTransformers() {
        var expected = byId(list(json("expected.json"), "cases"));
        var templates = new HashMap<String, ChatTemplate>();
        var sources = new HashMap<String, String>();
        var tests = new ArrayList<DynamicTest>();
        for (var c : list(json("cases.json"), "cases")) {
            String id = (String) c.get("id");
            String path = (String) c.get("template");
            tests.add(DynamicTest.dynamicTest(id, () -> {
                String source = sources.computeIfAbsent(path, OracleCorpusTest::resource);
                ChatTemplate template = templates.computeIfAbsent(path, p -> ChatTemplate.parse(source));
                var kwargs = (Map<String, Object>) c.getOrDefault("kwargs", Map.of());
                boolean agp = Boolean.TRUE.equals(c.get("add_generation_prompt"));
                check(expected.get(id), source,
                        () -> template.render((List<Map<String, Object>>) c.get("messages"),
                                (List<Map<String, Object>>) c.get("tools"), agp, kwargs));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> snippetsBehaveLikeJinja2() {
        var expected = byId(list(json("snippets-expected.json"), "snippets"));
        return list(json("snippets.json"), "snippets").stream().map(s -> DynamicTest.dynamicTest((String) s.get("id"), () -> {
            String source = (String) s.get("source");
            var vars = (Map<String, Object>) s.get("vars");
            var messages = (List<Map<String, Object>>) vars.getOrDefault("messages", List.of());
            check(expected.get(s.get("id")), source, () -> ChatTemplate.parse(source).render(messages, null, false, vars));
        }));
    }

    /**
     * expressions.json: 3000 random expressions of operators, filters, tests and methods over a few variables;
     * statements.json: 1500 random nestings of if/for/set/macro/raw/comments with random blanks and - / + marks.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"expressions.json", "statements.json"})
    @SuppressWarnings("unchecked")
    void randomTemplatesRenderLikeJinja2(String file) {
        var doc = json(file);
        var vars = (Map<String, Object>) doc.get("vars");
        var mismatches = new ArrayList<String>();
        var cases = list(doc, "cases");
        for (var c : cases) {
            String source = (String) c.get("source");
            String actual;
            try {
                actual = ChatTemplate.parse(source).render(List.of(), null, false, vars);
            } catch (TemplateException e) {
                actual = null;
            }
            boolean same = c.containsKey("error") ? actual == null : c.get("rendered").equals(actual);
            if (!same) mismatches.add(source + " -> " + actual + ", Jinja2: " + c.getOrDefault("rendered", c.get("error")));
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(1500);
        assertThat(mismatches).isEmpty();
    }

    /** Equal output, or an error where Python had one; the template's own raise_exception message exactly. */
    private static void check(Map<String, Object> expected, String source, java.util.function.Supplier<String> render) {
        assertThat(expected).as("oracle result").isNotNull();
        if (expected.containsKey("rendered")) {
            assertThat(render.get()).isEqualTo(expected.get("rendered"));
            return;
        }
        String error = (String) expected.get("error");
        Throwable thrown = catchThrowable(render::get);
        assertThat(thrown).as("Python failed with: " + error).isInstanceOf(TemplateException.class);
        boolean raisedByTemplate = source.contains("raise_exception('" + error + "')")
                || (source.contains("raise_exception(") && error.startsWith("Custom failure"));
        if (raisedByTemplate) {
            assertThat(thrown).isInstanceOf(TemplateException.Raised.class).hasMessage(error);
        } else {
            assertThat(thrown).isNotInstanceOf(TemplateException.Raised.class);
        }
    }

    @Test
    void aSyntaxErrorNamesTheLine() {
        assertThatThrownBy(() -> ChatTemplate.parse("line one\n{% if x %}\nunclosed"))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("endif")
                .hasMessageContaining("line 3");
    }
}
