package io.qwen4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Typed reads of request fields that answer a wrong type with a 400 naming the field (shared by both APIs). */
public final class JsonFields {
    private JsonFields() {}

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "developer");

    public static String text(JsonNode obj, String field, String def) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) return def;
        if (!n.isTextual()) throw ApiException.badRequest(field, "'" + field + "' must be a string");
        return n.asText();
    }

    public static Float number(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw ApiException.badRequest(field, "'" + field + "' must be a number");
        return (float) n.asDouble();
    }

    public static Integer integer(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw ApiException.badRequest(field, "'" + field + "' must be an integer");
        return n.asInt();
    }

    public static boolean bool(JsonNode obj, String field, boolean def) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) return def;
        if (!n.isBoolean()) throw ApiException.badRequest(field, "'" + field + "' must be a boolean");
        return n.asBoolean();
    }

    /** A string or an array of strings (OpenAI's and Ollama's {@code stop}). */
    public static List<String> strings(JsonNode obj, String field) {
        var out = new ArrayList<String>();
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) return out;
        if (n.isTextual()) {
            out.add(n.asText());
            return out;
        }
        if (n.isArray()) {
            for (JsonNode s : n) {
                if (!s.isTextual()) throw ApiException.badRequest(field, "'" + field + "' must be a string or an array of strings");
                out.add(s.asText());
            }
            return out;
        }
        throw ApiException.badRequest(field, "'" + field + "' must be a string or an array of strings");
    }

    /** The {@code messages} array: roles checked, text content as a string or as text parts. */
    public static List<ChatMessage> messages(JsonNode root) {
        JsonNode msgs = root.get("messages");
        if (msgs == null || !msgs.isArray()) throw ApiException.badRequest("messages", "'messages' must be an array");
        if (msgs.isEmpty()) throw ApiException.badRequest("messages", "'messages' must not be empty");
        var messages = new ArrayList<ChatMessage>();
        for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), "messages[" + i + "]"));
        return List.copyOf(messages);
    }

    private static ChatMessage message(JsonNode m, String where) {
        if (!m.isObject()) throw ApiException.badRequest(where, where + " must be an object");
        JsonNode role = m.get("role");
        if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
            throw ApiException.badRequest(where + ".role", where + ".role must be one of " + ROLES);
        }
        String text = content(m.get("content"), where + ".content");
        String r = role.asText().equals("developer") ? "system" : role.asText();
        // OpenAI calls the assistant's thinking reasoning_content; Ollama calls it thinking.
        String reasoning = optionalText(m, "reasoning_content", where);
        if (reasoning == null) reasoning = optionalText(m, "thinking", where);
        var calls = toolCalls(m.get("tool_calls"), where + ".tool_calls");
        String callId = optionalText(m, "tool_call_id", where);
        String name = optionalText(m, "name", where);
        if (name == null) name = optionalText(m, "tool_name", where);
        if (!r.equals("assistant") && !calls.isEmpty()) throw ApiException.badRequest(where + ".tool_calls", "only assistant messages carry tool_calls");
        if (text == null && calls.isEmpty()) text = "";
        return new ChatMessage(r, text, reasoning, calls, callId, name);
    }

    /** Text content: a string, text parts, or null (only meaningful next to tool calls). */
    private static String content(JsonNode content, String where) {
        if (content == null || content.isNull()) return null;
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {
            // Content parts: a text model understands only the text ones.
            var sb = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode t = part.get("text");
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || t == null || !t.isTextual()) {
                    throw ApiException.badRequest(where, "only text content parts are supported");
                }
                sb.append(t.asText());
            }
            return sb.toString();
        }
        throw ApiException.badRequest(where, where + " must be a string or an array of parts");
    }

    private static String optionalText(JsonNode m, String field, String where) {
        JsonNode n = m.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual()) throw ApiException.badRequest(where + "." + field, where + "." + field + " must be a string");
        return n.asText();
    }

    /** An assistant's earlier calls: {@code [{id?, type?, function: {name, arguments: JSON string or object}}]}. */
    private static List<ChatMessage.ToolCall> toolCalls(JsonNode calls, String where) {
        if (calls == null || calls.isNull()) return List.of();
        if (!calls.isArray()) throw ApiException.badRequest(where, where + " must be an array");
        var out = new ArrayList<ChatMessage.ToolCall>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode c = calls.get(i);
            String at = where + "[" + i + "]";
            JsonNode fn = c.get("function");
            if (!c.isObject() || fn == null || !fn.isObject() || !fn.path("name").isTextual()) {
                throw ApiException.badRequest(at, at + " must be {\"function\": {\"name\": ..., \"arguments\": ...}}");
            }
            JsonNode args = fn.get("arguments");
            Object arguments;
            if (args == null || args.isNull()) arguments = Map.of();
            else if (args.isTextual()) arguments = args.asText();
            else if (args.isObject()) arguments = toJava(args);
            else throw ApiException.badRequest(at + ".function.arguments", "arguments must be a JSON string or an object");
            out.add(new ChatMessage.ToolCall(c.path("id").isTextual() ? c.get("id").asText() : null, fn.get("name").asText(), arguments));
        }
        return out;
    }

    /**
     * The {@code tools} array: OpenAI function definitions ({@code {"type": "function", "function": {"name",
     * "description"?, "parameters"?}}}) checked and handed to the chat template as plain Java values.
     */
    public static List<Map<String, Object>> tools(JsonNode root) {
        JsonNode tools = root.get("tools");
        if (tools == null || tools.isNull()) return List.of();
        if (!tools.isArray()) throw ApiException.badRequest("tools", "'tools' must be an array");
        var out = new ArrayList<Map<String, Object>>();
        var names = new java.util.HashSet<String>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String at = "tools[" + i + "]";
            if (!t.isObject()) throw ApiException.badRequest(at, at + " must be an object");
            if (t.has("type") && !"function".equals(t.get("type").asText())) {
                throw ApiException.badRequest(at + ".type", at + ".type must be \"function\"");
            }
            JsonNode fn = t.get("function");
            if (fn == null || !fn.isObject()) throw ApiException.badRequest(at + ".function", at + ".function must be an object");
            JsonNode name = fn.get("name");
            if (name == null || !name.isTextual() || name.asText().isBlank()) {
                throw ApiException.badRequest(at + ".function.name", at + ".function.name must be a non-empty string");
            }
            if (!names.add(name.asText())) throw ApiException.badRequest(at + ".function.name", "two tools are named '" + name.asText() + "'");
            JsonNode params = fn.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw ApiException.badRequest(at + ".function.parameters", at + ".function.parameters must be a JSON schema object");
            }
            if (params != null && params.has("properties") && !params.get("properties").isObject()) {
                throw ApiException.badRequest(at + ".function.parameters.properties", "'properties' must be an object");
            }
            var tool = new LinkedHashMap<String, Object>();
            tool.put("type", "function");
            tool.put("function", toJava(fn));
            out.add(tool);
        }
        return out;
    }

    /** OpenAI's {@code tool_choice}: "auto", "none", "required" or {"type": "function", "function": {"name"}}. */
    public static ChatInput.ToolChoice toolChoice(JsonNode root) {
        JsonNode c = root.get("tool_choice");
        if (c == null || c.isNull()) return new ChatInput.ToolChoice.Auto();
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "auto" -> new ChatInput.ToolChoice.Auto();
                case "none" -> new ChatInput.ToolChoice.None();
                case "required" -> new ChatInput.ToolChoice.Required();
                default -> throw ApiException.badRequest("tool_choice", "'tool_choice' must be auto, none, required or a named function");
            };
        }
        if (c.isObject() && c.path("function").path("name").isTextual()) return new ChatInput.ToolChoice.Named(c.get("function").get("name").asText());
        throw ApiException.badRequest("tool_choice", "'tool_choice' must be auto, none, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
    }

    /** A JSON value as the plain Java values a chat template works with (maps keep their key order). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> toJava(JsonNode obj) {
        return HttpExchanges.JSON.convertValue(obj, LinkedHashMap.class);
    }
}
