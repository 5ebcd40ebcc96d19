package io.qwen4j.chat.parse;

import java.util.List;

/** The whole output, split: content and reasoning are empty strings when the model wrote none. */
public record ParsedOutput(String content, String reasoning, List<ToolCall> toolCalls) {
    public ParsedOutput {
        toolCalls = List.copyOf(toolCalls);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
