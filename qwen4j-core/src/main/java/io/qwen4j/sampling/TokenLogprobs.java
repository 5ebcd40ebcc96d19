package io.qwen4j.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * The model's log-probability of a chosen token and of the most likely alternatives, from the raw logits (before
 * temperature, penalties or truncation, as OpenAI and vLLM report them).
 *
 * @param token   the chosen token
 * @param logprob its natural-log probability
 * @param top     the {@code n} most likely tokens, most likely first
 */
public record TokenLogprobs(int token, float logprob, List<Alternative> top) {

    public record Alternative(int token, float logprob) {}

    public TokenLogprobs {
        top = List.copyOf(top);
    }

    /** Log-softmax of {@code logits} at {@code token}, plus the {@code n} (0..20) best tokens. */
    public static TokenLogprobs of(float[] logits, int vocab, int token, int n) {
        if (n < 0 || n > 20) throw new IllegalArgumentException("top logprobs must be in 0..20, got " + n);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (int i = 0; i < vocab; i++) sum += Math.exp(logits[i] - max);
        float logZ = (float) (max + Math.log(sum));
        // Keep the n largest in a small sorted array: n is at most 20, the vocabulary 150K.
        int[] best = new int[n];
        int filled = 0;
        for (int i = 0; i < vocab && n > 0; i++) {
            if (filled == n && logits[i] <= logits[best[n - 1]]) continue;
            int j = filled < n ? filled++ : n - 1;
            while (j > 0 && logits[best[j - 1]] < logits[i]) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        var top = new ArrayList<Alternative>(filled);
        for (int k = 0; k < filled; k++) top.add(new Alternative(best[k], logits[best[k]] - logZ));
        return new TokenLogprobs(token, logits[token] - logZ, top);
    }
}
