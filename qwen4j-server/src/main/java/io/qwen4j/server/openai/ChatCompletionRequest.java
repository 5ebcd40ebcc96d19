package io.qwen4j.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.ChatMessage;
import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.sampling.SamplingOptions;
import io.qwen4j.server.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The fields of an OpenAI chat completion request this server honours, validated with errors naming the field. */
record ChatCompletionRequest(String model, List<ChatMessage> messages, boolean stream, boolean includeUsage,
                             boolean thinking, GenerationRequest generation) {

    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "developer");

    static ChatCompletionRequest parse(JsonNode root) {
        if (root == null || !root.isObject()) throw ApiException.badRequest(null, "the request body must be a JSON object");
        String model = optionalText(root, "model", "");
        JsonNode msgs = root.get("messages");
        if (msgs == null || !msgs.isArray()) throw ApiException.badRequest("messages", "'messages' must be an array");
        if (msgs.isEmpty()) throw ApiException.badRequest("messages", "'messages' must not be empty");
        var messages = new ArrayList<ChatMessage>();
        for (int i = 0; i < msgs.size(); i++) messages.add(message(msgs.get(i), "messages[" + i + "]"));

        var s = SamplingOptions.defaults();
        Float temperature = number(root, "temperature");
        if (temperature != null) s = s.withTemperature(temperature);
        Float topP = number(root, "top_p");
        if (topP != null) s = s.withTopP(topP);
        Float minP = number(root, "min_p");
        if (minP != null) s = s.withMinP(minP);
        Integer topK = integer(root, "top_k");
        if (topK != null) s = s.withTopK(topK);
        Float presence = number(root, "presence_penalty");
        if (presence != null) s = s.withPresencePenalty(presence);
        Float frequency = number(root, "frequency_penalty");
        if (frequency != null) s = s.withFrequencyPenalty(frequency);
        Float repeat = number(root, "repeat_penalty");
        if (repeat != null) s = s.withRepeatPenalty(repeat);
        Integer seed = integer(root, "seed");
        if (seed != null) s = s.withSeed(seed);

        Integer maxTokens = integer(root, "max_completion_tokens");
        if (maxTokens == null) maxTokens = integer(root, "max_tokens");
        if (maxTokens != null && maxTokens <= 0) throw ApiException.badRequest("max_tokens", "'max_tokens' must be positive");

        var stops = new ArrayList<String>();
        JsonNode stop = root.get("stop");
        if (stop != null && !stop.isNull()) {
            if (stop.isTextual()) stops.add(stop.asText());
            else if (stop.isArray()) {
                for (JsonNode st : stop) {
                    if (!st.isTextual()) throw ApiException.badRequest("stop", "'stop' must be a string or an array of strings");
                    stops.add(st.asText());
                }
            } else throw ApiException.badRequest("stop", "'stop' must be a string or an array of strings");
        }
        boolean stream = bool(root, "stream", false);
        JsonNode streamOptions = root.get("stream_options");
        boolean includeUsage = streamOptions != null && streamOptions.isObject() && bool(streamOptions, "include_usage", false);
        boolean thinking = true;
        JsonNode kwargs = root.get("chat_template_kwargs");
        if (kwargs != null && kwargs.isObject()) thinking = bool(kwargs, "enable_thinking", true);
        GenerationRequest generation;
        try {
            generation = new GenerationRequest(s, maxTokens == null ? -1 : maxTokens, stops);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
        return new ChatCompletionRequest(model, List.copyOf(messages), stream, includeUsage, thinking, generation);
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
            // Content parts: only text is understood by a text model.
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

    private static String optionalText(JsonNode root, String field, String def) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return def;
        if (!n.isTextual()) throw ApiException.badRequest(field, "'" + field + "' must be a string");
        return n.asText();
    }

    private static Float number(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isNumber()) throw ApiException.badRequest(field, "'" + field + "' must be a number");
        return (float) n.asDouble();
    }

    private static Integer integer(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw ApiException.badRequest(field, "'" + field + "' must be an integer");
        return n.asInt();
    }

    private static boolean bool(JsonNode root, String field, boolean def) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return def;
        if (!n.isBoolean()) throw ApiException.badRequest(field, "'" + field + "' must be a boolean");
        return n.asBoolean();
    }
}
