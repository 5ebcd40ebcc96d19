package io.qwen4j.engine;

import io.qwen4j.sampling.SamplingOptions;
import java.util.List;
import java.util.Objects;

/**
 * How to generate: sampling, a token limit ({@code maxTokens <= 0}: until the context is full) and stop strings.
 */
public record GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stop) {
    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        stop = List.copyOf(stop);
    }

    public static GenerationRequest defaults() {
        return new GenerationRequest(SamplingOptions.defaults(), -1, List.of());
    }

    public static GenerationRequest greedy(int maxTokens) {
        return new GenerationRequest(SamplingOptions.greedy(), maxTokens, List.of());
    }

    public GenerationRequest withSampling(SamplingOptions s) {
        return new GenerationRequest(s, maxTokens, stop);
    }

    public GenerationRequest withMaxTokens(int n) {
        return new GenerationRequest(sampling, n, stop);
    }

    public GenerationRequest withStop(List<String> s) {
        return new GenerationRequest(sampling, maxTokens, s);
    }
}
