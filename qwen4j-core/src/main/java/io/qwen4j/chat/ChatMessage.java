package io.qwen4j.chat;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One turn of a conversation. Roles are the OpenAI/HF ones: system, user, assistant, tool.
 *
 * @param content          the text; null only for an assistant turn that just calls tools
 * @param reasoningContent the assistant's thinking, kept apart from the answer (null when none)
 * @param toolCalls        the assistant's function calls (empty when none)
 * @param toolCallId       for a tool result: the id of the call it answers (null when none)
 * @param name             for a tool result: the function's name (null when none)
 */
public record ChatMessage(String role, String content, String reasoningContent, List<ToolCall> toolCalls,
        String toolCallId, String name) {

    /**
     * A function call made by the assistant.
     *
     * @param arguments a {@code Map} of argument values, or the JSON text of one (as OpenAI requests carry it);
     *                  chat templates see it as given
     */
    public record ToolCall(String id, String name, Object arguments) {
        public ToolCall {
            Objects.requireNonNull(name, "tool call name");
            if (arguments != null && !(arguments instanceof String) && !(arguments instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("tool call arguments must be a Map or a JSON string, got "
                        + arguments.getClass().getSimpleName());
            }
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (content == null && toolCalls.isEmpty()) throw new NullPointerException("content");
    }

    public ChatMessage(String role, String content) {
        Objects.requireNonNull(content, "content");
        this(role, content, null, List.of(), null, null);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** An assistant turn with its reasoning and tool calls; {@code content} may be null when it only calls tools. */
    public static ChatMessage assistant(String content, String reasoningContent, List<ToolCall> toolCalls) {
        return new ChatMessage("assistant", content, reasoningContent, toolCalls, null, null);
    }

    /** The result of a tool call, answering the call with id {@code toolCallId} (may be null). */
    public static ChatMessage tool(String content, String toolCallId) {
        return new ChatMessage("tool", content, null, List.of(), toolCallId, null);
    }
}
