package io.qwen4j.chat;

import io.qwen4j.chat.template.ChatTemplate;
import io.qwen4j.chat.template.TemplateException;
import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
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

    /** Like {@link #render(List, List, boolean, Map)} for messages as OpenAI-style maps, passed to the template as they are. */
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
            return template.render(messages, tools, addGenerationPrompt, kwargs);
        } catch (TemplateException e) {
            throw e.withContext("rendering " + origin + " failed: ");
        }
    }

    private static boolean thinking(Map<String, Object> kwargs) {
        return !Boolean.FALSE.equals(kwargs.get("enable_thinking"));
    }
}
