package io.qwen4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatFormatTest {
    private static String qwen3Template() throws IOException {
        try (InputStream in = ChatFormatTest.class.getResourceAsStream("/chat-templates/templates/qwen3.jinja")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void builtInIsChatMl() {
        var messages = List.of(ChatMessage.system("s"), ChatMessage.user("u"));
        assertThat(ChatFormat.builtIn().render(messages, true, false)).isEqualTo(ChatMlTemplate.render(messages, true, false));
        assertThat(ChatFormat.of(null, null, null, "none").isBuiltIn()).isTrue();
    }

    @Test
    void qwen3TemplateFollowsTheThinkingSwitch() throws IOException {
        var format = ChatFormat.of(qwen3Template(), null, "<|im_end|>", "qwen3");
        var messages = List.of(ChatMessage.user("hi"));
        assertThat(format.render(messages, true, false)).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
        assertThat(format.render(messages, true, true)).isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        // Qwen3 drops the reasoning of earlier turns from the history.
        var history = List.of(ChatMessage.user("a"), ChatMessage.assistant("<think>\nhm\n</think>\n\nA"), ChatMessage.user("b"));
        assertThat(format.render(history, true, true)).isEqualTo(
                "<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nA<|im_end|>\n<|im_start|>user\nb<|im_end|>\n<|im_start|>assistant\n");
    }
}
