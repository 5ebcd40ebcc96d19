package io.qwen4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.sampling.constraint.TokenConstraint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** {@link Sampler#sample(float[], TokenConstraint)} with a fake constraint: a fixed set of allowed ids. */
class ConstrainedSamplingTest {
    /** Allows the ids the predicate accepts; records what was accepted and how often the mask was built. */
    private static final class Allowing implements TokenConstraint {
        final IntPredicate allowed;
        final List<Integer> accepted = new ArrayList<>();
        int masks;

        Allowing(IntPredicate allowed) {
            this.allowed = allowed;
        }

        @Override
        public boolean allows(int token) {
            return allowed.test(token);
        }

        @Override
        public int mask(float[] logits) {
            masks++;
            int some = -1;
            for (int i = 0; i < logits.length; i++) {
                if (!allowed.test(i)) logits[i] = Float.NEGATIVE_INFINITY;
                else if (some < 0) some = i;
            }
            return some;
        }

        @Override
        public void accept(int token) {
            assertThat(allowed.test(token)).as("accepted token %d", token).isTrue();
            accepted.add(token);
        }
    }

    @Test
    void greedyPicksTheBestAllowedToken() {
        var sampler = new Sampler(SamplingOptions.greedy(), 6);
        var onlyOdd = new Allowing(t -> t % 2 == 1);
        assertThat(sampler.sample(new float[] {9, 1, 8, 3, 7, 2}, onlyOdd)).isEqualTo(3);
        assertThat(onlyOdd.accepted).containsExactly(3);
        assertThat(onlyOdd.masks).isZero(); // found by retries, no mask needed
    }

    @Test
    void theUnconstrainedChoiceIsKeptWhenAllowed() {
        var sampler = new Sampler(SamplingOptions.greedy(), 4);
        var all = new Allowing(t -> true);
        float[] logits = {0, 5, 1, 2};
        assertThat(sampler.sample(logits, all)).isEqualTo(1);
        assertThat(logits).containsExactly(0, 5, 1, 2); // the caller's array is left alone
    }

    @Test
    void masksWhenRetriesRunOutAndFallsBackWhenEveryAllowedLogitIsMinusInfinity() {
        var sampler = new Sampler(SamplingOptions.greedy(), 40);
        var logits = new float[40];
        for (int i = 0; i < 40; i++) logits[i] = 40 - i; // best first: 0, 1, 2 ...
        var late = new Allowing(t -> t == 30);
        assertThat(sampler.sample(logits, late)).isEqualTo(30);
        assertThat(late.masks).isEqualTo(1);
        logits[30] = Float.NEGATIVE_INFINITY;
        assertThat(sampler.sample(logits, new Allowing(t -> t == 30))).isEqualTo(30);
    }

    /** The constrained draw follows the model's distribution restricted to the allowed tokens. */
    @Test
    void drawsFromTheDistributionRestrictedToAllowedTokens() {
        float[] logits = {2, 1.5f, 1, 0.5f, 0, -0.5f, 3, 2.5f};
        IntPredicate allowed = t -> t == 1 || t == 3 || t == 4;
        var sampler = new Sampler(SamplingOptions.defaults().withTemperature(1).withTopK(0).withTopP(1).withMinP(0).withSeed(7), logits.length);
        var counts = new int[logits.length];
        int n = 40_000;
        for (int i = 0; i < n; i++) counts[sampler.sample(logits, new Allowing(allowed))]++;
        double z = Math.exp(1.5) + Math.exp(0.5) + Math.exp(0);
        assertThat(counts[1] / (double) n).isCloseTo(Math.exp(1.5) / z, org.assertj.core.data.Offset.offset(0.015));
        assertThat(counts[3] / (double) n).isCloseTo(Math.exp(0.5) / z, org.assertj.core.data.Offset.offset(0.015));
        assertThat(counts[4] / (double) n).isCloseTo(1 / z, org.assertj.core.data.Offset.offset(0.015));
        assertThat(Arrays.stream(counts).sum()).isEqualTo(counts[1] + counts[3] + counts[4]);
    }
}
