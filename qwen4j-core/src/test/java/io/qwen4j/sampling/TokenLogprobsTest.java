package io.qwen4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenLogprobsTest {
    @Test
    void logSoftmaxOfTheChosenTokenAndTheBestAlternatives() {
        float[] logits = {1f, 3f, 2f, -1f};
        var lp = TokenLogprobs.of(logits, 4, 2, 2);
        double logZ = Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(-1));
        assertThat((double) lp.logprob()).isCloseTo(2 - logZ, within(1e-5));
        assertThat(lp.top()).extracting(TokenLogprobs.Alternative::token).containsExactly(1, 2);
        assertThat((double) lp.top().get(0).logprob()).isCloseTo(3 - logZ, within(1e-5));
        assertThat(TokenLogprobs.of(logits, 4, 0, 0).top()).isEmpty();
    }

    @Property(tries = 200)
    void topIsSortedAndItsProbabilitiesAreTheLargest(@ForAll @Size(min = 1, max = 60) List<@FloatRange(min = -30, max = 30) Float> values,
                                                     @ForAll @IntRange(min = 0, max = 20) int n) {
        float[] logits = new float[values.size()];
        for (int i = 0; i < logits.length; i++) logits[i] = values.get(i);
        var lp = TokenLogprobs.of(logits, logits.length, 0, n);
        assertThat(lp.top()).hasSize(Math.min(n, logits.length));
        for (int i = 1; i < lp.top().size(); i++) assertThat(lp.top().get(i - 1).logprob()).isGreaterThanOrEqualTo(lp.top().get(i).logprob());
        if (!lp.top().isEmpty()) {
            float smallestKept = logits[lp.top().getLast().token()];
            long strictlyLarger = 0;
            for (float l : logits) if (l > smallestKept) strictlyLarger++;
            assertThat(strictlyLarger).isLessThan(lp.top().size());
        }
        assertThat(lp.logprob()).isLessThanOrEqualTo(1e-6f);
    }
}
