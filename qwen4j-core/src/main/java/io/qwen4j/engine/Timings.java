package io.qwen4j.engine;

/**
 * What a generation cost.
 *
 * @param promptTokens      tokens of the prompt
 * @param reusedTokens      prompt tokens whose KV was reused from earlier turns instead of recomputed
 * @param promptNanos       time to process the rest of the prompt
 * @param generatedTokens   tokens generated (including a final end-of-generation token)
 * @param generationNanos   time spent generating after the prompt
 */
public record Timings(int promptTokens, int reusedTokens, long promptNanos, int generatedTokens, long generationNanos) {

    public double promptTokensPerSecond() {
        int processed = promptTokens - reusedTokens;
        return promptNanos == 0 ? 0 : processed * 1e9 / promptNanos;
    }

    public double generationTokensPerSecond() {
        return generationNanos == 0 ? 0 : generatedTokens * 1e9 / generationNanos;
    }
}
