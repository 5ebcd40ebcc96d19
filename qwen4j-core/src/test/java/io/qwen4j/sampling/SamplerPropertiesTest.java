package io.qwen4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

class SamplerPropertiesTest {

    @Provide
    Arbitrary<SamplingOptions> options() {
        var temperature = Arbitraries.oneOf(Arbitraries.just(0f), Arbitraries.floats().between(0, 5),
                Arbitraries.of(1e-30f, 1e-6f, 1e-3f));
        var topK = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 400));
        var topP = Arbitraries.oneOf(Arbitraries.just(1f), Arbitraries.floats().between(1e-6f, 1).ofScale(6));
        var minP = Arbitraries.oneOf(Arbitraries.just(0f), Arbitraries.just(1f), Arbitraries.floats().between(0, 1).ofScale(4));
        var repeat = Arbitraries.oneOf(Arbitraries.just(1f), Arbitraries.floats().between(0.01f, 10));
        var lastN = Arbitraries.integers().between(-1, 20);
        var presence = Arbitraries.floats().between(-5, 5);
        var frequency = Arbitraries.floats().between(-5, 5);
        var seed = Arbitraries.longs();
        var unseeded = Combinators.combine(temperature, topK, topP, minP, repeat, lastN, presence, frequency)
                .as((t, k, p, m, r, n, pp, fp) -> new SamplingOptions(t, k, p, m, r, n, pp, fp, 0));
        return Combinators.combine(unseeded, seed).as(SamplingOptions::withSeed);
    }

    /** Logits with -inf entries, ties, huge and tiny values, the odd NaN and +inf. */
    @Provide
    Arbitrary<float[]> logits() {
        var value = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.floats().between(-50, 50)),
                Tuple.of(3, Arbitraries.just(Float.NEGATIVE_INFINITY)),
                Tuple.of(3, Arbitraries.of(0f, 1f, -1f)),
                Tuple.of(1, Arbitraries.of(-Float.MAX_VALUE, Float.MAX_VALUE, Float.MIN_VALUE, -0f)),
                Tuple.of(1, Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY)));
        return value.list().ofMinSize(1).ofMaxSize(300).map(list -> {
            var array = new float[list.size()];
            for (int i = 0; i < array.length; i++) array[i] = list.get(i);
            return array;
        });
    }

    @Provide
    Arbitrary<List<Integer>> history() {
        return Arbitraries.integers().between(0, 299).list().ofMaxSize(40);
    }

    @Property(tries = 500)
    void sampleReturnsAValidTokenThatWasNotRuledOut(@ForAll("options") SamplingOptions options,
                                                    @ForAll("logits") float[] logits,
                                                    @ForAll("history") List<Integer> history) {
        int n = logits.length;
        var copy = logits.clone();
        var sampler = new Sampler(options, n);
        history.stream().filter(t -> t < n).forEach(sampler::accept);
        var penalized = sampler.penalizedLogits(logits);

        int token = sampler.sample(logits);

        assertThat(token).isBetween(0, n - 1);
        boolean anyFinite = false;
        for (float l : penalized) anyFinite |= l > Float.NEGATIVE_INFINITY;
        if (anyFinite) assertThat(penalized[token]).isGreaterThan(Float.NEGATIVE_INFINITY);
        assertThat(Arrays.equals(logits, copy)).isTrue();
    }

    @Property(tries = 300)
    void distributionIsNormalizedAndHoldsTheBestToken(@ForAll("options") SamplingOptions options,
                                                      @ForAll("logits") float[] logits) {
        var d = new Sampler(options, logits.length).distribution(logits);
        assertThat(d.ids()).isNotEmpty().doesNotHaveDuplicates();
        assertThat(Arrays.stream(d.probs()).sum()).isCloseTo(1.0, within(1e-6));
        var greedy = new Sampler(options.withTemperature(0), logits.length);
        assertThat(d.ids()).contains(greedy.sample(logits));
    }

    @Property(tries = 100)
    void sameSeedSameTokens(@ForAll("options") SamplingOptions options, @ForAll("logits") float[] logits) {
        var a = new Sampler(options, logits.length);
        var b = new Sampler(options, logits.length);
        for (int i = 0; i < 20; i++) {
            int token = a.sample(logits);
            assertThat(b.sample(logits)).isEqualTo(token);
            a.accept(token);
            b.accept(token);
        }
    }
}
