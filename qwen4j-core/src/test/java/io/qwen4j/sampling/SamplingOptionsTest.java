package io.qwen4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplingOptionsTest {

    @Test
    void defaultsAreLlamaCppCommonDefaults() {
        var d = SamplingOptions.defaults();
        assertThat(d.temperature()).isEqualTo(0.8f);
        assertThat(d.topK()).isEqualTo(40);
        assertThat(d.topP()).isEqualTo(0.95f);
        assertThat(d.minP()).isEqualTo(0.05f);
        assertThat(d.repeatPenalty()).isEqualTo(1.0f);
        assertThat(d.penaltyLastN()).isEqualTo(64);
        assertThat(d.presencePenalty()).isZero();
        assertThat(d.frequencyPenalty()).isZero();
        assertThat(d.penaltiesActive()).isFalse();
    }

    @Test
    void defaultsPickASeedEachTime() {
        // Two random 64-bit seeds colliding three times in a row is not a thing that happens.
        boolean allSame = true;
        for (int i = 0; i < 3; i++) allSame &= SamplingOptions.defaults().seed() == SamplingOptions.defaults().seed();
        assertThat(allSame).isFalse();
    }

    @Test
    void greedyHasTemperatureZero() {
        assertThat(SamplingOptions.greedy().temperature()).isZero();
    }

    @Test
    void withersChangeOneField() {
        var base = SamplingOptions.defaults().withSeed(7);
        assertThat(base.withTemperature(1.5f)).isEqualTo(new SamplingOptions(1.5f, 40, 0.95f, 0.05f, 1, 64, 0, 0, 7));
        assertThat(base.withTopK(0).topK()).isZero();
        assertThat(base.withTopP(0.5f).topP()).isEqualTo(0.5f);
        assertThat(base.withMinP(0.1f).minP()).isEqualTo(0.1f);
        assertThat(base.withRepeatPenalty(1.1f).repeatPenalty()).isEqualTo(1.1f);
        assertThat(base.withPenaltyLastN(-1).penaltyLastN()).isEqualTo(-1);
        assertThat(base.withPresencePenalty(0.5f).presencePenalty()).isEqualTo(0.5f);
        assertThat(base.withFrequencyPenalty(-0.5f).frequencyPenalty()).isEqualTo(-0.5f);
        assertThat(base.withSeed(9).seed()).isEqualTo(9);
        assertThat(base.withSeed(9).withSeed(7)).isEqualTo(base);
    }

    @Test
    void penaltiesAreActiveOnlyWithAWindowAndANonNeutralPenalty() {
        var base = SamplingOptions.defaults();
        assertThat(base.withRepeatPenalty(1.1f).penaltiesActive()).isTrue();
        assertThat(base.withFrequencyPenalty(0.1f).penaltiesActive()).isTrue();
        assertThat(base.withPresencePenalty(0.1f).penaltiesActive()).isTrue();
        assertThat(base.withRepeatPenalty(1.1f).withPenaltyLastN(0).penaltiesActive()).isFalse();
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheField() {
        var d = SamplingOptions.defaults();
        assertRejected(() -> d.withTemperature(-0.1f), "temperature");
        assertRejected(() -> d.withTemperature(Float.NaN), "temperature");
        assertRejected(() -> d.withTemperature(Float.POSITIVE_INFINITY), "temperature");
        assertRejected(() -> d.withTopK(-1), "topK");
        assertRejected(() -> d.withTopP(0), "topP");
        assertRejected(() -> d.withTopP(1.01f), "topP");
        assertRejected(() -> d.withMinP(-0.01f), "minP");
        assertRejected(() -> d.withMinP(1.5f), "minP");
        assertRejected(() -> d.withRepeatPenalty(0), "repeatPenalty");
        assertRejected(() -> d.withRepeatPenalty(Float.NaN), "repeatPenalty");
        assertRejected(() -> d.withPenaltyLastN(-2), "penaltyLastN");
        assertRejected(() -> d.withPresencePenalty(Float.NaN), "presencePenalty");
        assertRejected(() -> d.withFrequencyPenalty(Float.NEGATIVE_INFINITY), "frequencyPenalty");
    }

    @Test
    void acceptsTheBoundaries() {
        var d = SamplingOptions.defaults();
        assertThat(d.withTemperature(0).withTopK(0).withTopP(1).withMinP(0).withPenaltyLastN(-1).withMinP(1))
                .isNotNull();
    }

    private static void assertRejected(Runnable build, String field) {
        assertThatThrownBy(build::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }
}
