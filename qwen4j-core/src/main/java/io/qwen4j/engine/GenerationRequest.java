package io.qwen4j.engine;

import io.qwen4j.sampling.SamplingOptions;
import io.qwen4j.sampling.constraint.OutputFormat;
import java.util.List;
import java.util.Objects;

/**
 * How to generate: sampling, a token limit ({@code maxTokens <= 0}: until the context is full), stop strings,
 * how many alternatives' log-probabilities to report with each token ({@code logprobs < 0}: none; 0: only the
 * chosen token's), and the shape of the output (free text, or JSON constrained by a grammar:
 * {@link #withJsonObject()}, {@link #withJsonSchema(String)}).
 */
public record GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stop, int logprobs, OutputFormat format) {
    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(format, "format");
        stop = List.copyOf(stop);
        if (logprobs > 20) throw new IllegalArgumentException("at most 20 top logprobs, got " + logprobs);
    }

    /** Free-text output, no logprobs. */
    public GenerationRequest(SamplingOptions sampling, int maxTokens, List<String> stop) {
        this(sampling, maxTokens, stop, -1, OutputFormat.TEXT);
    }

    public static GenerationRequest defaults() {
        return new GenerationRequest(SamplingOptions.defaults(), -1, List.of());
    }

    public static GenerationRequest greedy(int maxTokens) {
        return new GenerationRequest(SamplingOptions.greedy(), maxTokens, List.of());
    }

    public GenerationRequest withSampling(SamplingOptions s) {
        return new GenerationRequest(s, maxTokens, stop, logprobs, format);
    }

    public GenerationRequest withMaxTokens(int n) {
        return new GenerationRequest(sampling, n, stop, logprobs, format);
    }

    public GenerationRequest withStop(List<String> s) {
        return new GenerationRequest(sampling, maxTokens, s, logprobs, format);
    }

    /** Report each token's log-probability and those of the {@code top} most likely tokens (0..20). */
    public GenerationRequest withLogprobs(int top) {
        return new GenerationRequest(sampling, maxTokens, stop, top, format);
    }

    public GenerationRequest withFormat(OutputFormat f) {
        return new GenerationRequest(sampling, maxTokens, stop, logprobs, f);
    }

    /** The output must be a JSON object (OpenAI {@code json_object}, Ollama {@code format: "json"}). */
    public GenerationRequest withJsonObject() {
        return withFormat(OutputFormat.jsonObject());
    }

    /**
     * The output must be JSON valid against {@code schemaJson}.
     *
     * @throws IllegalArgumentException if the schema is not JSON or uses a keyword that is not supported
     */
    public GenerationRequest withJsonSchema(String schemaJson) {
        return withFormat(OutputFormat.jsonSchema(schemaJson));
    }
}
