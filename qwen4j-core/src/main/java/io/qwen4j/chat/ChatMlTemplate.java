package io.qwen4j.chat;

import java.util.List;

/**
 * The ChatML prompt format every Qwen instruct model is trained on:
 * {@code <|im_start|>role\ncontent<|im_end|>\n} per message, then {@code <|im_start|>assistant\n} to ask for a reply.
 * Built in until the GGUF's own Jinja template is rendered; with thinking switched off it appends the empty
 * think block that Qwen3's template writes for {@code enable_thinking=false}.
 */
public final class ChatMlTemplate {
    private ChatMlTemplate() {}

    public static String render(List<ChatMessage> messages, boolean addGenerationPrompt, boolean enableThinking) {
        var sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content() == null ? "" : m.content()).append("<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            sb.append("<|im_start|>assistant\n");
            if (!enableThinking) sb.append("<think>\n\n</think>\n\n");
        }
        return sb.toString();
    }
}
