package io.qwen4j.sampling;

import java.util.SplittableRandom;

/**
 * Settings of the sampler chain, with the meaning llama.cpp gives them (common/common.h
 * {@code common_params_sampling}).
 *
 * @param temperature      logits are divided by it after filtering; {@code <= 0} (only 0 is allowed) samples greedily
 * @param topK             keep the k most likely tokens; 0 turns it off
 * @param topP             keep the smallest set of most likely tokens whose probability adds up to at least p; 1 turns it off
 * @param minP             keep tokens whose probability is at least {@code minP} times the top one's; 0 turns it off
 * @param repeatPenalty    divides positive (multiplies non-positive) logits of tokens in the history window; 1 turns it off
 * @param penaltyLastN     size of the history window the penalties look at; 0 turns them off, -1 means the whole history
 * @param presencePenalty  subtracted once from the logit of every token in the window
 * @param frequencyPenalty subtracted from a token's logit once per occurrence in the window
 * @param seed             seed of the random number generator that draws the token
 */
public record SamplingOptions(float temperature, int topK, float topP, float minP,
                              float repeatPenalty, int penaltyLastN, float presencePenalty, float frequencyPenalty,
                              long seed) {

    public SamplingOptions {
        if (!(temperature >= 0 && Float.isFinite(temperature)))
            throw new IllegalArgumentException("SamplingOptions.temperature must be finite and >= 0, got " + temperature);
        if (topK < 0)
            throw new IllegalArgumentException("SamplingOptions.topK must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0 && topP <= 1))
            throw new IllegalArgumentException("SamplingOptions.topP must be in (0, 1] (1 = off), got " + topP);
        if (!(minP >= 0 && minP <= 1))
            throw new IllegalArgumentException("SamplingOptions.minP must be in [0, 1] (0 = off), got " + minP);
        if (!(repeatPenalty > 0 && Float.isFinite(repeatPenalty)))
            throw new IllegalArgumentException("SamplingOptions.repeatPenalty must be finite and > 0 (1 = off), got " + repeatPenalty);
        if (penaltyLastN < -1)
            throw new IllegalArgumentException(
                    "SamplingOptions.penaltyLastN must be >= -1 (-1 = whole history, 0 = off), got " + penaltyLastN);
        if (!Float.isFinite(presencePenalty))
            throw new IllegalArgumentException("SamplingOptions.presencePenalty must be finite, got " + presencePenalty);
        if (!Float.isFinite(frequencyPenalty))
            throw new IllegalArgumentException("SamplingOptions.frequencyPenalty must be finite, got " + frequencyPenalty);
    }

    /** llama.cpp's common defaults (temp 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties, window 64), random seed. */
    public static SamplingOptions defaults() {
        return new SamplingOptions(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0.0f, 0.0f, new SplittableRandom().nextLong());
    }

    /** The defaults with temperature 0: always the most likely token. */
    public static SamplingOptions greedy() {
        return defaults().withTemperature(0);
    }

    public SamplingOptions withTemperature(float t) {
        return new SamplingOptions(t, topK, topP, minP, repeatPenalty, penaltyLastN, presencePenalty, frequencyPenalty, seed);
    }

    public SamplingOptions withTopK(int k) {
        return new SamplingOptions(temperature, k, topP, minP, repeatPenalty, penaltyLastN, presencePenalty, frequencyPenalty, seed);
    }

    public SamplingOptions withTopP(float p) {
        return new SamplingOptions(temperature, topK, p, minP, repeatPenalty, penaltyLastN, presencePenalty, frequencyPenalty, seed);
    }

    public SamplingOptions withMinP(float p) {
        return new SamplingOptions(temperature, topK, topP, p, repeatPenalty, penaltyLastN, presencePenalty, frequencyPenalty, seed);
    }

    public SamplingOptions withRepeatPenalty(float penalty) {
        return new SamplingOptions(temperature, topK, topP, minP, penalty, penaltyLastN, presencePenalty, frequencyPenalty, seed);
    }

    public SamplingOptions withPenaltyLastN(int n) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, n, presencePenalty, frequencyPenalty, seed);
    }

    public SamplingOptions withPresencePenalty(float penalty) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, penaltyLastN, penalty, frequencyPenalty, seed);
    }

    public SamplingOptions withFrequencyPenalty(float penalty) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, penaltyLastN, presencePenalty, penalty, seed);
    }

    public SamplingOptions withSeed(long s) {
        return new SamplingOptions(temperature, topK, topP, minP, repeatPenalty, penaltyLastN, presencePenalty, frequencyPenalty, s);
    }

    /** Whether the penalty stage changes anything (llama.cpp {@code llama_sampler_penalties::is_disabled}). */
    boolean penaltiesActive() {
        return penaltyLastN != 0 && (repeatPenalty != 1.0f || frequencyPenalty != 0.0f || presencePenalty != 0.0f);
    }
}
