package io.qwen4j.chat.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * How to read one generation.
 *
 * @param startsInReasoning the prompt ended inside an open {@code <think>} block (Qwen3.5 by default, Qwen3 thinking
 *                          models), so the output begins as reasoning and the first {@code </think>} ends it. When
 *                          false, a {@code <think>} block is still recognised at the very start of the output (Qwen3's
 *                          original template lets the model open it itself); with thinking switched off the template
 *                          closed an empty block in the prompt and the model writes none, so everything is content.
 * @param toolsEnabled      the request offered tools; otherwise {@code <tool_call>} is plain content
 * @param toolSchemas       function name to its JSON-schema {@code parameters}, used to type XML-format parameter
 *                          values; calls to names not in the map are still reported (see the decision note 0003)
 * @param callIds           makes the id of each call ({@code call_} and 24 hex digits by default)
 */
public record OutputParserOptions(boolean startsInReasoning, boolean toolsEnabled, Map<String, JsonNode> toolSchemas,
                                  Supplier<String> callIds) {
    public OutputParserOptions {
        toolSchemas = Map.copyOf(Objects.requireNonNull(toolSchemas, "toolSchemas"));
        Objects.requireNonNull(callIds, "callIds");
    }

    /** No tools: only reasoning is split off. */
    public static OutputParserOptions of(boolean startsInReasoning) {
        return new OutputParserOptions(startsInReasoning, false, Map.of(), OutputParserOptions::randomCallId);
    }

    /** Tools offered; {@code toolSchemas} maps each function name to its parameters schema (may be empty). */
    public static OutputParserOptions withTools(boolean startsInReasoning, Map<String, JsonNode> toolSchemas) {
        return new OutputParserOptions(startsInReasoning, true, toolSchemas, OutputParserOptions::randomCallId);
    }

    public OutputParserOptions withCallIds(Supplier<String> ids) {
        return new OutputParserOptions(startsInReasoning, toolsEnabled, toolSchemas, ids);
    }

    /** OpenAI-style id: {@code call_} and 24 hex digits (as vLLM's {@code make_tool_call_id}). */
    public static String randomCallId() {
        return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
