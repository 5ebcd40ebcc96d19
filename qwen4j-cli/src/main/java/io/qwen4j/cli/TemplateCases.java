package io.qwen4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.chat.template.ChatTemplate;
import io.qwen4j.chat.template.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a file of chat-template test cases, in the shapes the reference renderers take and print (the tokenizer
 * oracle's {@code template} command, {@code render_hf.py}):
 * <pre>{"cases": [{"id", "template"?: path relative to the cases file, "messages", "tools"?, "documents"?,
 *             "add_generation_prompt"?, "kwargs"?: {further template variables}}]}</pre>
 * gives {@code {"cases": [{"id", "rendered"} or {"id", "error"}]}}. A case without a template uses the source's.
 * A failing case (the template's {@code raise_exception}, a render error, a template that does not parse) becomes
 * its {@code error} entry and the next case is rendered.
 */
final class TemplateCases {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Map<String, Object>>> LIST_OF_MAPS = new TypeReference<>() {};
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final Pattern LINE_REFERENCE = Pattern.compile(" \\(template line \\d+\\)$");

    private TemplateCases() {}

    static String render(TokenizerSource source, Path casesFile) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(casesFile, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(casesFile + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("cases").isArray()) throw new IOException(casesFile + ": expected {\"cases\": [...]}");
        Path base = casesFile.toAbsolutePath().getParent();
        var files = new HashMap<Path, String>();
        var templates = new HashMap<String, ChatTemplate>();
        var results = new ArrayList<Map<String, Object>>();
        int n = 0;
        for (JsonNode c : root.path("cases")) {
            n++;
            String where = casesFile + " case " + n;
            if (!c.isObject()) throw new IOException(where + ": not an object");
            var result = new LinkedHashMap<String, Object>();
            result.put("id", c.has("id") ? JSON.convertValue(c.get("id"), Object.class) : null);
            String text = source.chatTemplate();
            if (c.path("template").isTextual()) {
                Path file = base.resolve(c.path("template").asText()).normalize();
                text = files.get(file);
                if (text == null) {
                    if (!Files.isRegularFile(file)) throw new IOException(where + ": no such template file: " + file);
                    text = Files.readString(file, StandardCharsets.UTF_8);
                    files.put(file, text);
                }
            }
            List<Map<String, Object>> messages = c.path("messages").isArray() ? JSON.convertValue(c.get("messages"), LIST_OF_MAPS) : List.of();
            List<Map<String, Object>> tools = c.path("tools").isArray() ? JSON.convertValue(c.get("tools"), LIST_OF_MAPS) : null;
            var vars = new LinkedHashMap<String, Object>();
            if (c.has("documents")) vars.put("documents", JSON.convertValue(c.get("documents"), Object.class));
            if (c.path("kwargs").isObject()) vars.putAll(JSON.convertValue(c.get("kwargs"), MAP));
            // both renderers take the flag's truthiness (Python bool(), JavaScript !!)
            boolean addGenerationPrompt = truthy(c.path("add_generation_prompt"));
            try {
                result.put("rendered", text == null ? source.chatFormat().renderMaps(messages, tools, addGenerationPrompt, vars)
                        : templates.computeIfAbsent(text, t -> ChatTemplate.parse(t).withSpecialTokens(source.bosToken(), source.eosToken()))
                                .render(messages, tools, addGenerationPrompt, vars));
            } catch (TemplateException e) {
                // the message as the template raised it (Python str(TemplateError)), without our line reference
                result.put("error", e instanceof TemplateException.Raised ? e.getMessage() : LINE_REFERENCE.matcher(e.getMessage()).replaceFirst(""));
            } catch (RuntimeException e) { // a template bug on unusual input: reported for this case like Python's TypeError
                result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            results.add(result);
        }
        return OracleJson.document(Map.of("cases", results));
    }

    private static boolean truthy(JsonNode v) {
        return switch (v.getNodeType()) {
            case BOOLEAN -> v.booleanValue();
            case NUMBER -> v.doubleValue() != 0;
            case STRING -> !v.textValue().isEmpty();
            case ARRAY, OBJECT -> v.size() > 0;
            default -> false;
        };
    }
}
