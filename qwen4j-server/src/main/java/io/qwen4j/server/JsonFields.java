package io.qwen4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;
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
        JsonNode content = m.get("content");
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isTextual()) {
            text = content.asText();
        } else if (content.isArray()) {
            // Content parts: a text model understands only the text ones.
            var sb = new StringBuilder();
            for (JsonNode part : content) {
                JsonNode t = part.get("text");
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || t == null || !t.isTextual()) {
                    throw ApiException.badRequest(where + ".content", "only text content parts are supported");
                }
                sb.append(t.asText());
            }
            text = sb.toString();
        } else {
            throw ApiException.badRequest(where + ".content", where + ".content must be a string or an array of parts");
        }
        String r = role.asText().equals("developer") ? "system" : role.asText();
        return new ChatMessage(r, text);
    }
}
