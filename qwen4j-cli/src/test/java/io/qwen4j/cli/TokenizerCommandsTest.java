package io.qwen4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.gguf.GgufFile;
import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tokenizer.AddedTokens;
import io.qwen4j.tokenizer.GgufVocabulary;
import io.qwen4j.tokenizer.TokenizerJson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tokenize, detokenize and template --cases: the check contract whose outputs are diffed against the reference
 * oracles (HF tokenizers through oracle.mjs, Python Jinja2 through render_hf.py). The expected texts below are
 * those oracles' outputs for the same inputs on Qwen3's tokenizer.json, byte for byte.
 */
class TokenizerCommandsTest {
    private static final Path CORE_RESOURCES = Path.of("..", "qwen4j-core", "src", "test", "resources");

    @TempDir
    static Path dir;

    /** A Hugging Face folder: Qwen3's tokenizer.json and a tokenizer_config.json with Qwen3's chat template. */
    static Path qwen3;

    static Path gguf;

    @BeforeAll
    static void writeSources() throws Exception {
        qwen3 = Files.createDirectories(dir.resolve("qwen3"));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CORE_RESOURCES.resolve("tokenizer/qwen3-tokenizer.json.gz")))) {
            Files.copy(in, qwen3.resolve("tokenizer.json"));
        }
        var config = new LinkedHashMap<String, Object>();
        config.put("bos_token", null);
        config.put("eos_token", "<|im_end|>");
        config.put("chat_template", Files.readString(CORE_RESOURCES.resolve("chat-templates/templates/qwen3.jinja")));
        new ObjectMapper().writeValue(qwen3.resolve("tokenizer_config.json").toFile(), config);
        gguf = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), gguf);
    }

    private static Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String ok(String... args) {
        var r = CliTest.run(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

    @Test
    void tokenizeJsonLinesInTheThreeModes() throws Exception {
        Path in = file("in.jsonl", """
                "Hello world"
                "<|im_start|>user\\n<think>x</think><|im_end|>"
                "  Zürich 東京 🤖\\r\\n123456"
                ""
                """);
        assertThat(ok("tokenize", qwen3.toString(), "--input", in.toString(), "--jsonl")).isEqualTo("""
                [9707,1879]
                [151644,872,198,151667,87,151668,151645]
                [220,1863,5186,713,60596,109,46553,11162,97,244,319,16,17,18,19,20,21]
                []
                """);
        assertThat(ok("tokenize", qwen3.toString(), "--input", in.toString(), "--jsonl", "--mode", "nospecial")).isEqualTo("""
                [9707,1879]
                [27,91,318,4906,91,29,872,198,151667,87,151668,27,91,318,6213,91,29]
                [220,1863,5186,713,60596,109,46553,11162,97,244,319,16,17,18,19,20,21]
                []
                """);
        assertThat(ok("tokenize", qwen3.toString(), "--input", in.toString(), "--jsonl", "--mode", "plain")).isEqualTo("""
                [9707,1879]
                [27,91,318,4906,91,29,872,198,13708,766,28257,522,26865,1784,91,318,6213,91,29]
                [220,1863,5186,713,60596,109,46553,11162,97,244,319,16,17,18,19,20,21]
                []
                """);
    }

    @Test
    void tokenizeRawLinesSplitOnNewlineOnly() throws Exception {
        Path raw = file("raw.txt", "a\r\nb<|endoftext|>\n\nlast");
        assertThat(ok("tokenize", qwen3.toString(), "--input", raw.toString())).isEqualTo("[64,201]\n[65,151643]\n[]\n[4259]\n");
        assertThat(ok("tokenize", qwen3.toString(), "--input", raw.toString(), "--whole")).isEqualTo("[64,319,65,151643,271,4259]\n");
        assertThat(ok("tokenize", qwen3.toString(), "--input", file("empty.txt", "").toString())).isEqualTo("\n");
    }

    @Test
    void detokenizeWithAndWithoutSpecialTokens() throws Exception {
        Path ids = file("ids.jsonl", "[151644,872,198,9707,151645]\n[]\n[151667,87,151668,151643]\n");
        assertThat(ok("detokenize", qwen3.toString(), "--input", ids.toString())).isEqualTo("""
                "<|im_start|>user\\nHello<|im_end|>"
                ""
                "<think>x</think><|endoftext|>"
                """);
        assertThat(ok("detokenize", qwen3.toString(), "--input", ids.toString(), "--skip-special")).isEqualTo("""
                "user\\nHello"
                ""
                "<think>x</think>"
                """);
    }

    @Test
    void oneLineStringsEscapeWhatLineSplittersBreakOn() throws Exception {
        // U+0085 and U+2028 as the oracle's jline escapes them; é and the emoji as they are
        int[] encoded = TokenizerJson.read(qwen3.resolve("tokenizer.json")).encode("é\u0085\u2028\t\"\\\u0001🤖", AddedTokens.NONE);
        Path ids = file("esc.jsonl", OracleJson.line(encoded) + "\n");
        assertThat(ok("detokenize", qwen3.toString(), "--input", ids.toString()))
                .isEqualTo("\"é\\u0085\\u2028\\t\\\"\\\\\\u0001🤖\"\n");
    }

    @Test
    void templateCasesFromFilesAndTheSourcesOwnTemplate() throws Exception {
        file("t.jinja", "{% if messages|length > 1 %}{{ raise_exception(\"only one message, got \" ~ messages|length) }}{% endif %}"
                + "{{ bos_token }}|{{ eos_token }}|{{ messages[0].content|tojson }}|{{ tools|tojson }}|{{ add_generation_prompt }}|{{ flavour }}\n");
        Path cases = file("cases.json", """
                {"cases": [
                 {"id": "file/ok", "template": "t.jinja", "messages": [{"role": "user", "content": "Grüße \\"x\\"\\t\\u0001"}], "tools": [{"type": "function", "function": {"name": "f"}}], "add_generation_prompt": true, "kwargs": {"flavour": [1.0, null]}},
                 {"id": "file/raised", "template": "t.jinja", "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]},
                 {"id": "own/nothink", "messages": [{"role": "user", "content": "Hi"}], "add_generation_prompt": true, "kwargs": {"enable_thinking": false}}
                ]}
                """);
        // render_hf.py's output (less its "engine" line) for the same cases with --tokdir of this folder
        assertThat(ok("template", qwen3.toString(), "--cases", cases.toString())).isEqualTo("""
                {
                 "cases": [
                  {
                   "id": "file/ok",
                   "rendered": "|<|im_end|>|\\"Grüße \\\\\\"x\\\\\\"\\\\t\\\\u0001\\"|[{\\"type\\": \\"function\\", \\"function\\": {\\"name\\": \\"f\\"}}]|True|[1.0, None]"
                  },
                  {
                   "id": "file/raised",
                   "error": "only one message, got 2"
                  },
                  {
                   "id": "own/nothink",
                   "rendered": "<|im_start|>user\\nHi<|im_end|>\\n<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n"
                  }
                 ]
                }
                """);
    }

    @Test
    void aGgufSourceGivesItsVocabularyAndTemplate() throws Exception {
        Path in = file("gguf-in.jsonl", "\"Hello<|im_end|>\"\n");
        String special = ok("tokenize", gguf.toString(), "--input", in.toString(), "--jsonl");
        String plain = ok("tokenize", gguf.toString(), "--input", in.toString(), "--jsonl", "--mode", "plain");
        int imEnd;
        try (var g = GgufFile.open(gguf)) {
            var tokenizer = GgufVocabulary.tokenizer(g);
            imEnd = tokenizer.id("<|im_end|>").orElseThrow();
            assertThat(special).isEqualTo(OracleJson.line(tokenizer.encode("Hello<|im_end|>", AddedTokens.ALL)) + "\n");
        }
        assertThat(special).endsWith("," + imEnd + "]\n");
        assertThat(plain).doesNotContain(String.valueOf(imEnd)).isNotEqualTo(special);

        Path ids = file("gguf-ids.jsonl", special);
        assertThat(ok("detokenize", gguf.toString(), "--input", ids.toString())).isEqualTo("\"Hello<|im_end|>\"\n");
        assertThat(ok("detokenize", gguf.toString(), "--input", ids.toString(), "--skip-special")).isEqualTo("\"Hello\"\n");

        Path cases = file("gguf-cases.json", "{\"cases\": [{\"id\": 7, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"add_generation_prompt\": 1}]}");
        assertThat(ok("template", gguf.toString(), "--cases", cases.toString())).isEqualTo("""
                {
                 "cases": [
                  {
                   "id": 7,
                   "rendered": "<|im_start|>user\\nHi<|im_end|>\\n<|im_start|>assistant\\n"
                  }
                 ]
                }
                """);
    }

    @Test
    void badInputNamesTheFileAndLine() throws Exception {
        var r = CliTest.run("tokenize", qwen3.toString(), "--input", file("bad.jsonl", "\"ok\"\n[1]\n").toString(), "--jsonl");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("bad.jsonl line 2: not a JSON string");
        r = CliTest.run("detokenize", qwen3.toString(), "--input", file("bad-ids.jsonl", "[1, \"x\"]\n").toString());
        assertThat(r.err()).contains("bad-ids.jsonl line 1: not a token id");
        r = CliTest.run("tokenize", dir.resolve("nowhere").toString(), "--input", file("x.txt", "x").toString());
        assertThat(r.err()).contains("no such GGUF file or tokenizer folder");
        r = CliTest.run("template", dir.toString(), "--cases", file("c.json", "{\"cases\": []}").toString());
        assertThat(r.err()).contains("has no tokenizer.json");
    }
}
