package io.qwen4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatFormatTest {
    private static String template(String name) throws IOException {
        try (InputStream in = ChatFormatTest.class.getResourceAsStream("/chat-templates/templates/" + name + ".jinja")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String qwen3Template() throws IOException {
        return template("qwen3");
    }

    @Test
    void toolCallArgumentsGivenAsJsonTextReachTheTemplateAsObjects() throws IOException {
        List<ChatMessage> asText = List.of(ChatMessage.user("Weather in Oslo?"),
                ChatMessage.assistant(null, null, List.of(new ChatMessage.ToolCall("c1", "get_weather", "{\"city\": \"Oslo\", \"days\": 2}"),
                        new ChatMessage.ToolCall("c2", "echo", "not json"))),
                ChatMessage.tool("-3", "c1"));
        var arguments = new java.util.LinkedHashMap<String, Object>(); // key order matters to tojson
        arguments.put("city", "Oslo");
        arguments.put("days", 2);
        List<ChatMessage> asObject = List.of(asText.get(0),
                ChatMessage.assistant(null, null, List.of(new ChatMessage.ToolCall("c1", "get_weather", arguments),
                        new ChatMessage.ToolCall("c2", "echo", "not json"))),
                asText.get(2));
        for (String name : List.of("qwen2_5", "qwen3", "qwen3_5", "qwen3_coder")) {
            var format = ChatFormat.of(template(name), null, null, name);
            if (name.equals("qwen3_5") || name.equals("qwen3_coder")) { // |items needs an object: keep only the JSON call
                var oneText = List.of(asText.get(0), ChatMessage.assistant(null, null, asText.get(1).toolCalls().subList(0, 1)), asText.get(2));
                var oneObject = List.of(asText.get(0), ChatMessage.assistant(null, null, asObject.get(1).toolCalls().subList(0, 1)), asText.get(2));
                assertThat(format.render(oneText, true, true)).as(name).isEqualTo(format.render(oneObject, true, true)).contains("Oslo");
            } else {
                assertThat(format.render(asText, true, true)).as(name).isEqualTo(format.render(asObject, true, true));
            }
        }
        assertThat(ChatFormat.of(template("qwen2_5"), null, null, "q").render(asText, true, true))
                .contains("{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", \"days\": 2}}")
                .contains("\"arguments\": \"not json\"");
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
