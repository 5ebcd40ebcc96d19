package io.qwen4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.chat.ChatFormat;
import io.qwen4j.chat.ChatMessage;
import io.qwen4j.chat.template.TemplateException;
import io.qwen4j.model.synthetic.RandomModelWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine renders chats with the GGUF's own template, or one the user gives, with clear errors. */
class ModelChatFormatTest {
    @TempDir
    Path dir;

    @Test
    void usesTheGgufTemplateAndAcceptsAnOverride() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), file);
        try (var model = Model.open(file, new Model.Options(1, 128))) {
            assertThat(model.chatFormat().isBuiltIn()).isFalse();
            assertThat(model.chatFormat().origin()).contains("tokenizer.chat_template");
            // The synthetic file's template is plain ChatML, without the empty think block of the built-in one.
            assertThat(model.chatFormat().render(List.of(ChatMessage.user("hi")), true, false))
                    .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");

            model.setChatFormat(ChatFormat.of("{{ raise_exception('only ' ~ messages|length ~ ' message') }}", null, null, "test.jinja"));
            assertThatThrownBy(() -> model.chat(List.of(ChatMessage.user("hi")), GenerationRequest.greedy(2)))
                    .isInstanceOf(TemplateException.Raised.class)
                    .hasMessage("rendering test.jinja failed: only 1 message");

            model.setChatFormat(ChatFormat.of("{% if %}", null, null, "broken.jinja"));
            assertThatThrownBy(() -> model.newChat().send("hi", GenerationRequest.greedy(2)))
                    .isInstanceOf(TemplateException.class)
                    .hasMessageStartingWith("cannot parse broken.jinja: ");

            model.setChatFormat(ChatFormat.of("{% for m in messages %}[{{ m.content }}]{% endfor %}", null, null, "custom"));
            var done = model.chat(List.of(ChatMessage.user("hello")), GenerationRequest.greedy(2)).await();
            assertThat(done.timings().promptTokens()).isEqualTo(model.tokenizer().encode("[hello]").length);
        }
    }
}
