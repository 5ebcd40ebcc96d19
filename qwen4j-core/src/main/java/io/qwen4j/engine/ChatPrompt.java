package io.qwen4j.engine;

/** A conversation rendered by the chat template: the prompt text and its tokens. */
public record ChatPrompt(String text, int[] tokens) {

    /**
     * Whether the template left a {@code <think>} block open at the end (Qwen3.5 and thinking-only models), so that
     * the reply begins inside the model's reasoning.
     */
    public boolean startsInReasoning() {
        String t = text.stripTrailing();
        return t.endsWith("<think>");
    }
}
