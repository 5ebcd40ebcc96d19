package io.qwen4j.cli;

import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.sampling.SamplingOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Sampling and stopping options, named as llama.cpp's CLI names them. */
final class SamplingMixin {
    @Option(names = {"-n", "--max-tokens"}, description = "Tokens to generate at most (default: until end of turn or full context).")
    int maxTokens = -1;

    @Option(names = "--temp", description = "Temperature; 0 = greedy (default: 0.8).")
    Float temperature;

    @Option(names = "--top-k", description = "Top-k, 0 = off (default: 40).")
    Integer topK;

    @Option(names = "--top-p", description = "Top-p (default: 0.95).")
    Float topP;

    @Option(names = "--min-p", description = "Min-p (default: 0.05).")
    Float minP;

    @Option(names = "--repeat-penalty", description = "Repetition penalty (default: 1.0 = off).")
    Float repeatPenalty;

    @Option(names = "--repeat-last-n", description = "Tokens the penalties look back at, -1 = all (default: 64).")
    Integer repeatLastN;

    @Option(names = "--presence-penalty", description = "Presence penalty (default: 0).")
    Float presencePenalty;

    @Option(names = "--frequency-penalty", description = "Frequency penalty (default: 0).")
    Float frequencyPenalty;

    @Option(names = {"-s", "--seed"}, description = "Random seed (default: random).")
    Long seed;

    @Option(names = "--stop", description = "Stop string (repeatable).")
    List<String> stop = new ArrayList<>();

    GenerationRequest request() {
        var s = SamplingOptions.defaults();
        if (temperature != null) s = s.withTemperature(temperature);
        if (topK != null) s = s.withTopK(topK);
        if (topP != null) s = s.withTopP(topP);
        if (minP != null) s = s.withMinP(minP);
        if (repeatPenalty != null) s = s.withRepeatPenalty(repeatPenalty);
        if (repeatLastN != null) s = s.withPenaltyLastN(repeatLastN);
        if (presencePenalty != null) s = s.withPresencePenalty(presencePenalty);
        if (frequencyPenalty != null) s = s.withFrequencyPenalty(frequencyPenalty);
        if (seed != null) s = s.withSeed(seed);
        return new GenerationRequest(s, maxTokens, stop);
    }
}
