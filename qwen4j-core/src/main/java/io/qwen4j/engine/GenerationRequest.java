package io.qwen4j.engine;

import io.qwen4j.sampling.SamplingOptions;
import java.util.List;
import java.util.Objects;

/**
 * How to generate: sampling, a token limit ({@code maxTokens <= 0}: until the context is full), stop strings,
 * and how many alternatives' log-probabilities to report with each token ({@code logprobs < 0}: none; 0: only the
 * chosen token's).
 */
public record GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stop, int logprobs) {
    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        stop = List.copyOf(stop);
        if (logprobs > 20) throw new IllegalArgumentException("at most 20 top logprobs, got " + logprobs);
    }

    public GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stop) {
        this(sampling, maxTokens, stop, -1);
    }

    public static GenerationRequest defaults() {
        return new GenerationRequest(SamplingOptions.defaults(), -1, List.of());
    }

    public static GenerationRequest greedy(int maxTokens) {
        return new GenerationRequest(SamplingOptions.greedy(), maxTokens, List.of());
    }

    public GenerationRequest withSampling(SamplingOptions s) {
        return new GenerationRequest(s, maxTokens, stop, logprobs);
    }

    public GenerationRequest withMaxTokens(int n) {
        return new GenerationRequest(sampling, n, stop, logprobs);
    }

    public GenerationRequest withStop(List<String> s) {
        return new GenerationRequest(sampling, maxTokens, s, logprobs);
    }

    /** Report each token's log-probability and those of the {@code top} most likely tokens (0..20). */
    public GenerationRequest withLogprobs(int top) {
        return new GenerationRequest(sampling, maxTokens, stop, top);
    }
}
