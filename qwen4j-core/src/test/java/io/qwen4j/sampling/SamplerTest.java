package io.qwen4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    /** Temperature 1, every filter and penalty off, fixed seed. */
    private static final SamplingOptions PLAIN = new SamplingOptions(1, 0, 1, 0, 1, 64, 0, 0, 42);

    private static float ln(double x) {
        return (float) Math.log(x);
    }

    private static int[] histogram(Sampler sampler, float[] logits, int draws) {
        var counts = new int[logits.length];
        for (int i = 0; i < draws; i++) counts[sampler.sample(logits)]++;
        return counts;
    }

    /** Sampled frequencies match the expected probabilities loosely (20000 draws: 0.02 is over 5 standard deviations). */
    private static void assertFrequencies(Sampler sampler, float[] logits, double[] expected) {
        int draws = 20_000;
        var counts = histogram(sampler, logits, draws);
        for (int id = 0; id < logits.length; id++) {
            if (expected[id] == 0) assertThat(counts[id]).as("draws of token %d", id).isZero();
            else assertThat(counts[id] / (double) draws).as("frequency of token %d", id).isCloseTo(expected[id], within(0.02));
        }
    }

    private static double[] normalized(double... weights) {
        double sum = Arrays.stream(weights).sum();
        return Arrays.stream(weights).map(w -> w / sum).toArray();
    }

    private static void assertDistribution(Sampler.Distribution d, int[] ids, double[] probs) {
        assertThat(d.ids()).containsExactly(ids);
        for (int i = 0; i < ids.length; i++) assertThat(d.probs()[i]).as("p(%d)", ids[i]).isCloseTo(probs[i], within(1e-6));
    }

    // ---- greedy ----

    @Test
    void greedyPicksTheArgmax() {
        var sampler = new Sampler(SamplingOptions.greedy(), 6);
        assertThat(sampler.sample(new float[] {0.5f, -1, 3.25f, 3.0f, NEG_INF, 2})).isEqualTo(2);
        assertThat(sampler.sample(new float[] {-7, -3, -5, NEG_INF, -4, -9})).isEqualTo(1);
    }

    @Test
    void greedyBreaksTiesByLowestId() {
        var sampler = new Sampler(SamplingOptions.greedy(), 5);
        assertThat(sampler.sample(new float[] {1, 4, 2, 4, 4})).isEqualTo(1);
        assertThat(sampler.sample(new float[] {0, 0, 0, 0, 0})).isZero();
    }

    @Test
    void greedyIsTheWholeDistribution() {
        var sampler = new Sampler(SamplingOptions.greedy(), 3);
        assertDistribution(sampler.distribution(new float[] {1, 3, 2}), new int[] {1}, new double[] {1});
    }

    // ---- temperature ----

    @Test
    void temperatureOneSamplesTheSoftmax() {
        var logits = new float[] {ln(1), ln(2), ln(4)};
        var expected = normalized(1, 2, 4);
        var sampler = new Sampler(PLAIN, 3);
        assertDistribution(sampler.distribution(logits), new int[] {0, 1, 2}, expected);
        assertFrequencies(sampler, logits, expected);
    }

    @Test
    void temperatureDividesTheLogits() {
        var logits = new float[] {ln(1), ln(2), ln(4)};
        var expected = normalized(1, Math.sqrt(2), 2); // softmax(logits / 2)
        var sampler = new Sampler(PLAIN.withTemperature(2), 3);
        assertDistribution(sampler.distribution(logits), new int[] {0, 1, 2}, expected);
        assertFrequencies(sampler, logits, expected);
    }

    @Test
    void tinyTemperatureConcentratesOnTheMaximumWithoutOverflow() {
        var sampler = new Sampler(PLAIN.withTemperature(1e-30f), 3);
        var d = sampler.distribution(new float[] {100, 99, 98});
        assertThat(d.probOf(0)).isEqualTo(1.0);
        assertThat(d.probOf(1)).isZero();
        assertThat(sampler.sample(new float[] {100, 99, 98})).isZero();
    }

    // ---- top-k ----

    @Test
    void topKKeepsTheKBest() {
        var logits = new float[] {1, 2, 3, 4, 5};
        var sampler = new Sampler(PLAIN.withTopK(2), 5);
        double e = Math.E;
        assertDistribution(sampler.distribution(logits), new int[] {4, 3}, normalized(e, 1));
        assertFrequencies(sampler, logits, new double[] {0, 0, 0, 1 / (1 + e), e / (1 + e)});
    }

    @Test
    void topKBreaksTiesByLowestId() {
        var sampler = new Sampler(PLAIN.withTopK(2), 5);
        assertThat(sampler.distribution(new float[] {1, 2, 1, 2, 2}).ids()).containsExactly(1, 3);
    }

    @Test
    void topKAtLeastTheVocabularyKeepsEverything() {
        var sampler = new Sampler(PLAIN.withTopK(10), 3);
        assertThat(sampler.distribution(new float[] {1, 2, 3}).ids()).containsExactlyInAnyOrder(0, 1, 2);
    }

    // ---- top-p ----

    private static final float[] HALF_THIRD = {ln(0.5), ln(0.3), ln(0.15), ln(0.05)};

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        var sampler = new Sampler(PLAIN.withTopP(0.75f), 4);
        assertDistribution(sampler.distribution(HALF_THIRD), new int[] {0, 1}, normalized(0.5, 0.3));
        assertFrequencies(sampler, HALF_THIRD, new double[] {0.5 / 0.8, 0.3 / 0.8, 0, 0});

        var wider = new Sampler(PLAIN.withTopP(0.85f), 4);
        assertDistribution(wider.distribution(HALF_THIRD), new int[] {0, 1, 2}, normalized(0.5, 0.3, 0.15));
    }

    @Test
    void topPKeepsAtLeastOneToken() {
        var sampler = new Sampler(PLAIN.withTopP(0.01f), 4);
        assertDistribution(sampler.distribution(HALF_THIRD), new int[] {0}, new double[] {1});
        assertThat(sampler.sample(HALF_THIRD)).isZero();
    }

    @Test
    void topPSeesTheProbabilitiesRenormalizedAfterTopK() {
        // Alone: 0.5 + 0.3 = 0.8 < 0.82, so three tokens. After top-k 3: 0.526 + 0.316 = 0.842 >= 0.82, so two.
        assertThat(new Sampler(PLAIN.withTopP(0.82f), 4).distribution(HALF_THIRD).ids()).containsExactly(0, 1, 2);
        assertThat(new Sampler(PLAIN.withTopP(0.82f).withTopK(3), 4).distribution(HALF_THIRD).ids()).containsExactly(0, 1);
    }

    // ---- min-p ----

    @Test
    void minPKeepsTokensAtLeastMinPTimesTheBest() {
        // p_max = 0.5: min-p 0.2 keeps p >= 0.1, min-p 0.5 keeps p >= 0.25, min-p 0.7 keeps p >= 0.35.
        var sampler = new Sampler(PLAIN.withMinP(0.2f), 4);
        assertDistribution(sampler.distribution(HALF_THIRD), new int[] {0, 1, 2}, normalized(0.5, 0.3, 0.15));
        assertFrequencies(sampler, HALF_THIRD, new double[] {0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0});

        assertThat(new Sampler(PLAIN.withMinP(0.5f), 4).distribution(HALF_THIRD).ids()).containsExactlyInAnyOrder(0, 1);
        assertThat(new Sampler(PLAIN.withMinP(0.7f), 4).distribution(HALF_THIRD).ids()).containsExactly(0);
        assertThat(new Sampler(PLAIN.withMinP(0.5f).withTopK(4), 4).distribution(HALF_THIRD).ids()).containsExactly(0, 1);
    }

    @Test
    void filtersLookAtTemperatureOneAndTemperatureShapesOnlyTheSurvivors() {
        // Same surviving set as at temperature 1; the draw among them is flattened by temperature 5.
        var sampler = new Sampler(PLAIN.withMinP(0.5f).withTemperature(5), 4);
        var d = sampler.distribution(HALF_THIRD);
        assertThat(d.ids()).containsExactlyInAnyOrder(0, 1);
        var expected = normalized(Math.pow(0.5, 0.2), Math.pow(0.3, 0.2));
        assertThat(d.probOf(0)).isCloseTo(expected[0], within(1e-6));
        assertThat(d.probOf(1)).isCloseTo(expected[1], within(1e-6));

        var topK = new Sampler(PLAIN.withTopK(2).withTemperature(10), 4);
        assertThat(topK.distribution(HALF_THIRD).ids()).containsExactly(0, 1);
    }

    @Test
    void topPThenMinPKeepTheShorterPrefix() {
        var onlyTopP = PLAIN.withTopP(0.85f);                         // keeps 0, 1, 2
        var sampler = new Sampler(onlyTopP.withMinP(0.5f), 4);        // min-p keeps 0, 1
        assertThat(sampler.distribution(HALF_THIRD).ids()).containsExactlyInAnyOrder(0, 1);
        var other = new Sampler(PLAIN.withTopP(0.6f).withMinP(0.2f), 4); // top-p keeps 0, 1; min-p would keep 0, 1, 2
        assertThat(other.distribution(HALF_THIRD).ids()).containsExactlyInAnyOrder(0, 1);
    }

    /** Every code path (top-k selection, min-p gathering, adaptive top-p) agrees with a plain full sort. */
    @Test
    void filtersMatchAFullSortReference() {
        int n = 5000;
        var random = new Random(3);
        var peaked = new float[n];
        var flat = new float[n];
        for (int i = 0; i < n; i++) {
            peaked[i] = (float) (random.nextGaussian() * 3);
            flat[i] = random.nextFloat() * 0.1f; // top-p 0.95 needs ~4750 tokens: widens past 256 and 2048
        }
        flat[17] = flat[18] = flat[19] = 0.2f; // ties
        for (var logits : List.of(peaked, flat)) {
            for (int topK : new int[] {0, 1, 40, 3000, n, n + 5}) {
                for (float topP : new float[] {1, 0.5f, 0.95f}) {
                    for (float minP : new float[] {0, 0.05f, 0.5f}) {
                        for (float temperature : new float[] {0.7f, 1.3f}) {
                            var options = new SamplingOptions(temperature, topK, topP, minP, 1, 64, 0, 0, 1);
                            var actual = new Sampler(options, n).distribution(logits);
                            var expected = reference(options, logits);
                            assertThat(sortedIds(actual)).as("%s", options).containsExactly(sortedIds(expected));
                            for (int id : expected.ids())
                                assertThat(actual.probOf(id)).as("%s p(%d)", options, id)
                                        .isCloseTo(expected.probOf(id), within(1e-6));
                        }
                    }
                }
            }
        }
    }

    @Test
    void topPReachingIntoTheFarTailKeepsTheBestOfIt() {
        // One token at 0 and 19999 tied at -25: the tail holds ~2.8e-7 of the mass, so top-p 1 - 6e-8 needs most of
        // it, ties taken in id order. (Beyond the 24 nats the top-p histogram resolves: its last, catch-all bucket.)
        int n = 20_000;
        var logits = new float[n];
        Arrays.fill(logits, -25);
        logits[0] = 0;
        float topP = Math.nextDown(1f);
        var d = new Sampler(PLAIN.withTopP(topP), n).distribution(logits);
        double tail = Math.exp(-25);
        double z = 1 + (n - 1) * tail;
        double expectedTail = Math.ceil((topP * z - 1) / tail);
        assertThat(d.ids()[0]).isZero();
        assertThat(d.ids().length - 1).isCloseTo((int) expectedTail, within((int) (0.02 * n)));
        assertThat(d.ids()).isEqualTo(IntStream.range(0, d.ids().length).toArray());
    }

    private static int[] sortedIds(Sampler.Distribution d) {
        return IntStream.of(d.ids()).sorted().toArray();
    }

    /** The chain written the obvious way: full sort, then each llama.cpp stage on the sorted list. */
    private static Sampler.Distribution reference(SamplingOptions o, float[] logits) {
        var order = new ArrayList<Integer>();
        for (int i = 0; i < logits.length; i++) order.add(i);
        order.sort(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        int size = o.topK() > 0 ? Math.min(o.topK(), logits.length) : logits.length;
        float max = logits[order.get(0)];
        if (o.topP() < 1) {
            double z = 0;
            for (int i = 0; i < size; i++) z += Math.exp(logits[order.get(i)] - max);
            double cumulative = 0;
            for (int i = 0; i < size; i++) {
                cumulative += Math.exp(logits[order.get(i)] - max) / z;
                if (cumulative >= o.topP()) {
                    size = i + 1;
                    break;
                }
            }
        }
        if (o.minP() > 0) {
            float minLogit = max + (float) Math.log(o.minP());
            int i = 1;
            while (i < size && logits[order.get(i)] >= minLogit) i++;
            size = i;
        }
        var ids = new int[size];
        var weights = new double[size];
        for (int i = 0; i < size; i++) {
            ids[i] = order.get(i);
            weights[i] = Math.exp((logits[ids[i]] - max) / o.temperature());
        }
        return new Sampler.Distribution(ids, normalized(weights));
    }

    // ---- penalties ----

    private static final SamplingOptions PENALIZED = PLAIN.withRepeatPenalty(2).withFrequencyPenalty(0.5f).withPresencePenalty(0.25f);

    @Test
    void penaltiesTransformTheLogitsOfTokensInTheWindow() {
        var sampler = new Sampler(PENALIZED, 6);
        for (int token : new int[] {0, 1, 0, 3, 5}) sampler.accept(token);
        var logits = new float[] {2, -2, 1, 0.5f, 3, 0};
        assertThat(sampler.penalizedLogits(logits)).containsExactly(
                2f / 2 - 2 * 0.5f - 0.25f,   // count 2, positive: divided
                -2f * 2 - 0.5f - 0.25f,      // count 1, negative: multiplied
                1,                           // not in the history
                0.5f / 2 - 0.5f - 0.25f,
                3,
                0 - 0.5f - 0.25f);           // zero: multiplied, stays zero before the subtraction
    }

    @Test
    void penaltiesForgetTokensThatLeaveTheWindow() {
        var sampler = new Sampler(PENALIZED.withPenaltyLastN(2), 4);
        var logits = new float[] {1, 1, 1, 1};
        for (int token : new int[] {0, 1, 0}) sampler.accept(token); // window [1, 0]
        assertThat(sampler.penalizedLogits(logits)).containsExactly(0.5f - 0.5f - 0.25f, 0.5f - 0.5f - 0.25f, 1, 1);
        sampler.accept(3);                                           // window [0, 3]
        assertThat(sampler.penalizedLogits(logits)).containsExactly(0.5f - 0.5f - 0.25f, 1, 1, 0.5f - 0.5f - 0.25f);
        sampler.accept(3);                                           // window [3, 3]
        assertThat(sampler.penalizedLogits(logits)).containsExactly(1, 1, 1, 0.5f - 2 * 0.5f - 0.25f);
    }

    @Test
    void penaltyWindowOfMinusOneCoversTheWholeHistory() {
        var sampler = new Sampler(PLAIN.withFrequencyPenalty(1).withPenaltyLastN(-1), 3);
        for (int i = 0; i < 1000; i++) sampler.accept(i % 2);
        assertThat(sampler.penalizedLogits(new float[] {0, 0, 0})).containsExactly(-500, -500, 0);
    }

    @Test
    void penaltyWindowOfZeroTurnsPenaltiesOff() {
        var sampler = new Sampler(PENALIZED.withPenaltyLastN(0), 3);
        sampler.accept(0);
        sampler.accept(1);
        assertThat(sampler.penalizedLogits(new float[] {1, -1, 2})).containsExactly(1, -1, 2);
    }

    @Test
    void penaltiesChangeWhatIsSampled() {
        var sampler = new Sampler(SamplingOptions.greedy().withRepeatPenalty(2), 2);
        var logits = new float[] {2, 1.5f};
        assertThat(sampler.sample(logits)).isZero();
        sampler.accept(0);
        assertThat(sampler.sample(logits)).isEqualTo(1);
        sampler.reset();
        assertThat(sampler.sample(logits)).isZero();
    }

    // ---- determinism and hygiene ----

    private static int[] draws(Sampler sampler, float[] logits, int count) {
        var out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = sampler.sample(logits);
            sampler.accept(out[i]);
        }
        return out;
    }

    private static float[] flatLogits(int n) {
        var logits = new float[n];
        var random = new Random(11);
        for (int i = 0; i < n; i++) logits[i] = random.nextFloat();
        return logits;
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        var logits = flatLogits(1000);
        var options = PLAIN.withTopK(0).withRepeatPenalty(1.1f).withSeed(1234);
        int[] first = draws(new Sampler(options, 1000), logits, 64);
        int[] again = draws(new Sampler(options, 1000), logits, 64);
        int[] other = draws(new Sampler(options.withSeed(1235), 1000), logits, 64);
        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void resetStartsTheSequenceOver() {
        var logits = flatLogits(1000);
        var sampler = new Sampler(PLAIN.withPresencePenalty(0.3f), 1000);
        int[] first = draws(sampler, logits, 32);
        sampler.reset();
        assertThat(draws(sampler, logits, 32)).containsExactly(first);
    }

    @Test
    void callersLogitsAreNotModified() {
        var logits = new float[] {3, -2, Float.NaN, 0.5f, NEG_INF, -0.0f};
        var copy = logits.clone();
        var sampler = new Sampler(PENALIZED.withTopK(3).withTopP(0.9f).withMinP(0.1f), 6);
        for (int t = 0; t < 6; t++) sampler.accept(t);
        sampler.sample(logits);
        sampler.distribution(logits);
        assertThat(Arrays.equals(logits, copy)).isTrue();
    }

    @Test
    void neverDrawsAMinusInfinityToken() {
        var logits = new float[] {NEG_INF, 0, NEG_INF, 0, NEG_INF};
        var counts = histogram(new Sampler(PLAIN, 5), logits, 2000);
        assertThat(counts[0] + counts[2] + counts[4]).isZero();
    }

    @Test
    void degenerateLogitsStillGiveAToken() {
        var sampler = new Sampler(SamplingOptions.defaults(), 3);
        assertThat(sampler.sample(new float[] {NEG_INF, NEG_INF, NEG_INF})).isZero();
        assertThat(sampler.sample(new float[] {Float.NaN, Float.NaN, Float.NaN})).isZero();
        assertThat(sampler.sample(new float[] {0, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY})).isEqualTo(1);
        assertThat(sampler.sample(new float[] {Float.NaN, 1, NEG_INF})).isEqualTo(1);
    }

    @Test
    void fullQwenVocabularyWithDefaultsSamplesAmongTheTop40() {
        int n = 151_936;
        var random = new Random(5);
        var logits = new float[n];
        for (int i = 0; i < n; i++) logits[i] = (float) (random.nextGaussian() * 2);
        var sorted = logits.clone();
        Arrays.sort(sorted);
        float fortieth = sorted[n - 40];
        var sampler = new Sampler(SamplingOptions.defaults().withSeed(9), n);
        for (int i = 0; i < 50; i++) assertThat(logits[sampler.sample(logits)]).isGreaterThanOrEqualTo(fortieth);
    }

    @Test
    void rejectsBadArgumentsSayingWhat() {
        var sampler = new Sampler(PLAIN, 4);
        assertThatThrownBy(() -> sampler.sample(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 logits").hasMessageContaining("4");
        assertThatThrownBy(() -> sampler.accept(4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token 4");
        assertThatThrownBy(() -> sampler.accept(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Sampler(PLAIN, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabSize");
    }
}
