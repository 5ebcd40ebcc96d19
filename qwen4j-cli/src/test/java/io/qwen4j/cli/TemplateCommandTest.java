package io.qwen4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.model.synthetic.RandomModelWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The template command and --chat-template, through picocli as a user types them. */
class TemplateCommandTest {
    @TempDir
    static Path dir;

    private static Path model;

    /** The generated model (whose GGUF carries a plain ChatML template), written on first use. */
    private static synchronized String model() throws Exception {
        if (model == null) {
            model = dir.resolve("tiny.gguf");
            RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), model);
        }
        return model.toString();
    }

    private static Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void printsThePromptOfTheModelsOwnTemplate() throws Exception {
        var r = CliTest.run("template", model(), "--system", "Be brief.", "-m", "user=Hi", "-m", "assistant=Hello", "-m", "user=a=b");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello<|im_end|>\n<|im_start|>user\na=b<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void aTemplateFileWithMessagesToolsAndKwargs() throws Exception {
        Path template = file("t.jinja", """
                {%- for m in messages %}[{{ m.role }}:{{ m.content }}{% for c in m.tool_calls or [] %}<{{ c.function.name }} {{ c.function.arguments|tojson }}>{% endfor %}]{% endfor %}
                {{- tools|map(attribute='function.name')|join(',') }}|{{ enable_thinking }}|{{ flavour }}|{{ add_generation_prompt }}""");
        Path messages = file("m.json", """
                {"messages": [{"role": "user", "content": "weather?"},
                              {"role": "assistant", "content": null, "tool_calls": [{"type": "function", "function": {"name": "get", "arguments": {"city": "Zürich", "n": 1.0}}}]}],
                 "tools": [{"type": "function", "function": {"name": "get"}}, {"type": "function", "function": {"name": "put"}}]}""");
        var r = CliTest.run("template", "--chat-template", template.toString(), "--messages", messages.toString(), "--no-think",
                "--kwarg", "flavour={\"a\": [1, null]}", "--no-generation-prompt");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[user:weather?][assistant:None<get {\"city\": \"Zürich\", \"n\": 1.0}>]get,put|False|{'a': [1, None]}|False");
    }

    @Test
    void runUsesTheOverrideAndReportsTemplateErrors() throws Exception {
        Path ok = file("ok.jinja", "{% for m in messages %}{{ m.content }}{% endfor %}");
        var r = CliTest.run("run", model(), "Hello", "--chat-template", ok.toString(), "--temp", "0", "-n", "2", "-t", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();

        Path bad = file("bad.jinja", "{{ raise_exception('This model needs a system prompt.') }}");
        r = CliTest.run("run", model(), "Hello", "--chat-template", bad.toString(), "-n", "2", "-t", "1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("bad.jinja").contains("This model needs a system prompt.");

        r = CliTest.run("template", "-m", "user=x");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("give a MODEL or --chat-template FILE");
    }
}
