package io.qwen4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.ChatMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A chat request as every API adapter reads it: the conversation, the tools offered (OpenAI function definitions,
 * as the chat template receives them), which tool use is wanted, and whether the model should think first.
 */
public record ChatInput(List<ChatMessage> messages, List<Map<String, Object>> tools, ToolChoice toolChoice, boolean thinking) {

    /** OpenAI's {@code tool_choice}. */
    public sealed interface ToolChoice {
        /** The model decides (the default when tools are given). */
        record Auto() implements ToolChoice {}

        /** No tool calls: the tools are not shown to the model. */
        record None() implements ToolChoice {}

        /** At least one call, to any tool. */
        record Required() implements ToolChoice {}

        /** A call to this function. */
        record Named(String name) implements ToolChoice {}
    }

    public ChatInput {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        if (toolChoice instanceof ToolChoice.Named(String name) && tools.stream().noneMatch(t -> name.equals(functionName(t)))) {
            throw ApiException.badRequest("tool_choice", "tool_choice names '" + name + "', which is not among the tools");
        }
        if ((toolChoice instanceof ToolChoice.Required || toolChoice instanceof ToolChoice.Named) && tools.isEmpty()) {
            throw ApiException.badRequest("tool_choice", "tool_choice requires a tool call but no tools were given");
        }
    }

    /** Tools the model sees and may call: none when the choice is {@code none}. */
    public boolean toolsOffered() {
        return !tools.isEmpty() && !(toolChoice instanceof ToolChoice.None);
    }

    /** Each function's name mapped to its parameters schema (for typing XML-format arguments). */
    public Map<String, JsonNode> toolSchemas() {
        var out = new LinkedHashMap<String, JsonNode>();
        for (var t : tools) {
            Object fn = t.get("function");
            if (fn instanceof Map<?, ?> f && f.get("name") instanceof String name) {
                Object params = f.get("parameters");
                out.put(name, params == null ? HttpExchanges.JSON.createObjectNode() : HttpExchanges.JSON.valueToTree(params));
            }
        }
        return out;
    }

    static String functionName(Map<String, Object> tool) {
        return tool.get("function") instanceof Map<?, ?> f && f.get("name") instanceof String n ? n : null;
    }
}
