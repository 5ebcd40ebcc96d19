package io.qwen4j.engine;

/** A prompt that does not fit the context. Never silently truncated. */
public final class ContextOverflowException extends IllegalArgumentException {
    private final int promptTokens;
    private final int contextSize;

    public ContextOverflowException(int promptTokens, int contextSize) {
        super("the prompt has " + promptTokens + " tokens but the context holds " + contextSize
                + " (at least one more is needed to generate); use a larger context size or a shorter prompt");
        this.promptTokens = promptTokens;
        this.contextSize = contextSize;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int contextSize() {
        return contextSize;
    }
}
