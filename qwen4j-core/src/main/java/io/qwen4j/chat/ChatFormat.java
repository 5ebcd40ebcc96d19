package io.qwen4j.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.qwen4j.chat.template.ChatTemplate;
import io.qwen4j.chat.template.TemplateException;
import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a model's conversations become prompt text: its own Jinja chat template (the GGUF's
 * {@code tokenizer.chat_template}, or a file the user gives), else the built-in {@link ChatMlTemplate}.
 * A template that does not parse is reported when a prompt is first rendered, so that a model with an unusual
 * template still opens for plain completion.
 */
public final class ChatFormat {
    private final ChatTemplate template;
    private final TemplateException parseError;
    private final String origin;
    private final boolean xmlToolCalls;

    private ChatFormat(ChatTemplate template, TemplateException parseError, String origin, boolean xmlToolCalls) {
        this.template = template;
        this.parseError = parseError;
        this.origin = origin;
        this.xmlToolCalls = xmlToolCalls;
    }

    /**
     * Whether the template teaches the model XML tool calls ({@code <function=NAME><parameter=P>}, Qwen3-Coder and
     * Qwen3.5) rather than Hermes JSON ({@code {"name": ..., "arguments": ...}}, Qwen2.5 and Qwen3).
     */
    public boolean xmlToolCalls() {
        return xmlToolCalls;
    }

    /** The built-in ChatML format. */
    public static ChatFormat builtIn() {
        return new ChatFormat(null, null, "the built-in ChatML template", false);
    }

    /**
     * A Jinja chat template; {@code source} null means the built-in one.
     *
     * @param origin where the template comes from, for error messages ("the GGUF's tokenizer.chat_template")
     */
    public static ChatFormat of(String source, String bosToken, String eosToken, String origin) {
        if (source == null) return builtIn();
        try {
            return new ChatFormat(ChatTemplate.parse(source).withSpecialTokens(bosToken, eosToken), null, origin, source.contains("<function="));
        } catch (TemplateException e) {
            return new ChatFormat(null, e, origin, false);
        }
    }

    /** The GGUF's {@code tokenizer.chat_template} with its BOS/EOS token texts, or the built-in one when it has none. */
    public static ChatFormat fromGguf(GgufFile gguf) throws GgufFormatException {
        String source = gguf.getString("tokenizer.chat_template", null);
        if (source == null) return builtIn();
        List<String> tokens = gguf.has("tokenizer.ggml.tokens") ? gguf.getStringArray("tokenizer.ggml.tokens") : List.of();
        return of(source, token(tokens, gguf.getLong("tokenizer.ggml.bos_token_id", -1)),
                token(tokens, gguf.getLong("tokenizer.ggml.eos_token_id", -1)), "the GGUF's tokenizer.chat_template");
    }

    private static String token(List<String> tokens, long id) {
        return id >= 0 && id < tokens.size() ? tokens.get((int) id) : null;
    }

    /** Where the template comes from. */
    public String origin() {
        return origin;
    }

    /** Whether this is the built-in ChatML format. */
    public boolean isBuiltIn() {
        return template == null && parseError == null;
    }

    /** The prompt for {@code messages}, with {@code enable_thinking} set from {@code thinking}. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, boolean thinking) {
        return render(messages, null, addGenerationPrompt, Map.of("enable_thinking", thinking));
    }

    /**
     * The prompt for {@code messages} and {@code tools} with further template variables.
     *
     * @throws TemplateException naming the template's origin when it does not parse or fails to render
     */
    public String render(List<ChatMessage> messages, List<Map<String, Object>> tools, boolean addGenerationPrompt,
            Map<String, Object> kwargs) {
        if (isBuiltIn()) return ChatMlTemplate.render(messages, addGenerationPrompt, thinking(kwargs));
        return renderMaps(messages.stream().map(ChatTemplate::toTemplateMessage).toList(), tools, addGenerationPrompt, kwargs);
    }

    /**
     * Like {@link #render(List, List, boolean, Map)} for messages as OpenAI-style maps. They reach the template as
     * they are, except that tool-call arguments given as JSON text are passed as objects (see
     * {@link #withObjectArguments}).
     */
    public String renderMaps(List<Map<String, Object>> messages, List<Map<String, Object>> tools, boolean addGenerationPrompt,
            Map<String, Object> kwargs) {
        if (parseError != null) throw parseError.withContext("cannot parse " + origin + ": ");
        if (template == null) {
            var typed = messages.stream()
                    .map(m -> new ChatMessage(String.valueOf(m.get("role")), Objects.toString(m.get("content"), "")))
                    .toList();
            return ChatMlTemplate.render(typed, addGenerationPrompt, thinking(kwargs));
        }
        try {
            return template.render(messages.stream().map(ChatFormat::withObjectArguments).toList(), tools, addGenerationPrompt, kwargs);
        } catch (TemplateException e) {
            throw e.withContext("rendering " + origin + " failed: ");
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * A message whose tool calls carry their arguments as JSON text (OpenAI's request shape) with those arguments
     * as objects, as vLLM's {@code _postprocess_messages} does before rendering: Qwen2.5's template would otherwise
     * quote the text again with {@code tojson}, and Qwen3.5's and Qwen3-Coder's iterate the arguments with
     * {@code |items}. Text that is not a JSON object stays text; the caller's maps are not changed.
     */
    static Map<String, Object> withObjectArguments(Map<String, Object> message) {
        if (!(message.get("tool_calls") instanceof List<?> calls)) return message;
        boolean changed = false;
        var newCalls = new ArrayList<Object>();
        for (Object call : calls) {
            Object parsed = call instanceof Map<?, ?> c && c.get("function") instanceof Map<?, ?> fn
                    && fn.get("arguments") instanceof String text ? jsonObject(text) : null;
            if (parsed == null) {
                newCalls.add(call);
                continue;
            }
            var fn = new LinkedHashMap<Object, Object>((Map<?, ?>) ((Map<?, ?>) call).get("function"));
            fn.put("arguments", parsed);
            var c = new LinkedHashMap<Object, Object>((Map<?, ?>) call);
            c.put("function", fn);
            newCalls.add(c);
            changed = true;
        }
        if (!changed) return message;
        var copy = new LinkedHashMap<>(message);
        copy.put("tool_calls", newCalls);
        return copy;
    }

    private static Map<?, ?> jsonObject(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? JSON.convertValue(node, LinkedHashMap.class) : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean thinking(Map<String, Object> kwargs) {
        return !Boolean.FALSE.equals(kwargs.get("enable_thinking"));
    }
}
