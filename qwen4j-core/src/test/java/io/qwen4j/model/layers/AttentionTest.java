package io.qwen4j.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.model.KvCache;
import io.qwen4j.model.ModelConfig;
import io.qwen4j.model.TokenPlacement;
import io.qwen4j.tensor.Parallel;
import java.util.ArrayList;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The blocked attention kernel against a naive double-precision softmax(q k^T / sqrt(d)) v with a causal mask, on
 * random queries, keys and values: GQA groups 1..6, head dims 64/128/256, value dims equal to and apart from the
 * head dim, prompt chunks on an empty cache and after a cached first chunk, and decode steps of several sequences.
 */
class AttentionTest {
    private static final int LAYER = 1;
    private static final Parallel POOL = new Parallel(2);

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    /** heads, kvHeads, headDim, valueDim. */
    record Shape(int heads, int kvHeads, int headDim, int valueDim) {
        ModelConfig config(int context) {
            return new ModelConfig("qwen3", context, heads * headDim, 2, 0, heads, kvHeads, headDim, valueDim,
                    headDim, 1e6f, 1e-6f, 16);
        }
    }

    static Stream<Arguments> promptChunks() {
        var shapes = new Shape[] {
                new Shape(4, 4, 64, 64), new Shape(16, 8, 128, 128), new Shape(8, 2, 256, 256),
                new Shape(8, 2, 128, 64), new Shape(6, 3, 64, 40), new Shape(12, 2, 64, 72)};
        var out = new ArrayList<Arguments>();
        for (var shape : shapes) {
            for (int length : new int[] {1, 7, 33, 100}) {
                for (int cached : new int[] {0, 37}) out.add(Arguments.of(shape, cached, length));
            }
        }
        return out.stream();
    }

    /** A chunk of {@code length} prompt tokens after {@code cached} positions already in the cache. */
    @ParameterizedTest(name = "{0} cached={1} length={2}")
    @MethodSource("promptChunks")
    void promptChunkMatchesNaiveAttention(Shape shape, int cached, int length) {
        var rnd = new Random(31L * cached + length + shape.hashCode());
        int context = cached + length + 3; // a key stride that is no multiple of the vector width
        var c = shape.config(context);
        var seq = Sequence.random(c, cached + length, rnd);
        var cache = new KvCache(c.layers(), context, c.kvDim(), c.vDim());
        seq.store(cache, 0, cached);
        cache.advance(cached);
        var at = new TokenPlacement(length).sequence(cache, length);
        seq.store(cache, cached, cached + length);
        float[] q = randoms(length * c.qDim(), 3f, rnd);

        float[] out = new float[length * c.heads() * c.valueDim()];
        Attention.attend(c, LAYER, q, out, length, at, POOL);

        var expected = new double[out.length];
        for (int i = 0; i < length; i++) naive(c, q, i, seq, cached + i, expected);
        assertClose(out, expected);
    }

    /** One decode token from each of three sequences of different lengths, as continuous batching runs them. */
    @Test
    void decodeStepOfSeveralSequencesMatchesNaiveAttention() {
        var rnd = new Random(7);
        var c = new Shape(16, 8, 128, 128).config(300);
        int[] lengths = {0, 17, 250};
        var caches = new KvCache[lengths.length];
        var seqs = new Sequence[lengths.length];
        for (int s = 0; s < lengths.length; s++) {
            seqs[s] = Sequence.random(c, lengths[s] + 1, rnd);
            caches[s] = new KvCache(c.layers(), 300, c.kvDim(), c.vDim());
            seqs[s].store(caches[s], 0, lengths[s]);
            caches[s].advance(lengths[s]);
        }
        var at = new TokenPlacement(lengths.length).nextOfEach(caches, lengths.length);
        for (int s = 0; s < lengths.length; s++) seqs[s].store(caches[s], lengths[s], lengths[s] + 1);
        float[] q = randoms(lengths.length * c.qDim(), 3f, rnd);

        float[] out = new float[lengths.length * c.heads() * c.valueDim()];
        Attention.attend(c, LAYER, q, out, lengths.length, at, POOL);

        var expected = new double[out.length];
        for (int s = 0; s < lengths.length; s++) naive(c, q, s, seqs[s], lengths[s], expected);
        assertClose(out, expected);
    }

    /** Keys {@code [pos][kvDim]} and values {@code [pos][vDim]} of one sequence. */
    record Sequence(float[] keys, float[] values, ModelConfig c) {
        static Sequence random(ModelConfig c, int positions, Random rnd) {
            return new Sequence(randoms(positions * c.kvDim(), 1f, rnd), randoms(positions * c.vDim(), 1f, rnd), c);
        }

        void store(KvCache cache, int from, int to) {
            cache.reserve(to);
            for (int p = from; p < to; p++) cache.store(LAYER, p, keys, p * c.kvDim(), values, p * c.vDim());
        }
    }

    /** softmax(q k^T / sqrt(d)) v in double for every head of token {@code token} at position {@code pos}. */
    private static void naive(ModelConfig c, float[] q, int token, Sequence seq, int pos, double[] out) {
        int hd = c.headDim();
        int vd = c.valueDim();
        for (int h = 0; h < c.heads(); h++) {
            int kvHead = h / c.groupSize();
            double[] scores = new double[pos + 1];
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t <= pos; t++) {
                double dot = 0;
                for (int d = 0; d < hd; d++) {
                    dot += (double) q[(token * c.heads() + h) * hd + d] * seq.keys()[t * c.kvDim() + kvHead * hd + d];
                }
                scores[t] = dot / Math.sqrt(hd);
                max = Math.max(max, scores[t]);
            }
            double sum = 0;
            for (int t = 0; t <= pos; t++) sum += scores[t] = Math.exp(scores[t] - max);
            for (int j = 0; j < vd; j++) {
                double acc = 0;
                for (int t = 0; t <= pos; t++) acc += scores[t] / sum * seq.values()[t * c.vDim() + kvHead * vd + j];
                out[(token * c.heads() + h) * vd + j] = acc;
            }
        }
    }

    private static void assertClose(float[] actual, double[] expected) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        // Values are within [-1, 1], so the outputs' scale is 1.
        assertThat(worst).as("max abs difference to the float64 reference").isLessThan(1e-4);
    }

    private static float[] randoms(int n, float scale, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        return x;
    }
}
