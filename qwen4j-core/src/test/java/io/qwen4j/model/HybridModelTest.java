package io.qwen4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.engine.Model;
import io.qwen4j.model.synthetic.RandomModelWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prompt path of the MoE and hybrid models (DeltaNet in chunks of 64, experts dispatched per batch) against their
 * decode path (DeltaNet one step at a time, experts per token) over a prompt that spans several chunks, and the
 * state's snapshot and restore. The llama.cpp goldens in {@link ConformanceTest} pin both paths to llama.cpp.
 */
class HybridModelTest {
    @TempDir
    Path dir;

    private Model open(String arch) throws Exception {
        Path file = dir.resolve(arch + ".gguf");
        var spec = RandomModelWriter.Spec.tinyQwen3().withArchitecture(arch).withShape(64, 4, 2, 1, 64, 128).withStd(0.1f);
        RandomModelWriter.write(spec, file);
        return Model.open(file, new Model.Options(2, 512));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe", "qwen35", "qwen35moe", "qwen3next"})
    void chunkedPromptMatchesStepByStepDecode(String arch) throws Exception {
        int[] tokens = IntStream.range(0, 150).map(i -> (i * 131 + 7) % 384).toArray();
        try (var model = open(arch)) {
            float[] batch = Logits.compute(model.languageModel(), tokens, Logits.Mode.BATCH);
            float[] step = Logits.compute(model.languageModel(), tokens, Logits.Mode.STEP);
            double max = 0;
            for (int i = 0; i < batch.length; i++) max = Math.max(max, Math.abs(batch[i] - step[i]));
            assertThat(max).isLessThan(1e-4);
        }
    }

    /**
     * DeltaNet heads 44 wide: a decode step takes its state columns 32 at a time with the sums in registers and the
     * rest a vector and then a float at a time, and its convolution has a scalar tail per head; the chunked prompt
     * path (separate code) must still agree.
     */
    @ParameterizedTest
    @ValueSource(strings = {"qwen35", "qwen3next"})
    void stepMatchesChunksWhenTheHeadWidthIsNoMultipleOfTheVectors(String arch) throws Exception {
        Path file = dir.resolve(arch + "-44.gguf");
        var spec = RandomModelWriter.Spec.tinyQwen3().withArchitecture(arch).withShape(64, 4, 2, 1, 64, 128).withStd(0.1f)
                .withHybrid(new RandomModelWriter.Hybrid(2, 4, 44, 4, 4, 16));
        RandomModelWriter.write(spec, file);
        int[] tokens = IntStream.range(0, 90).map(i -> (i * 37 + 11) % 384).toArray();
        try (var model = Model.open(file, new Model.Options(2, 512))) {
            float[] batch = Logits.compute(model.languageModel(), tokens, Logits.Mode.BATCH);
            float[] step = Logits.compute(model.languageModel(), tokens, Logits.Mode.STEP);
            double max = 0;
            for (int i = 0; i < batch.length; i++) max = Math.max(max, Math.abs(batch[i] - step[i]));
            assertThat(max).isLessThan(1e-4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen35", "qwen3next"})
    void restoringASnapshotReplaysTheSameLogits(String arch) throws Exception {
        try (var model = open(arch)) {
            LanguageModel lm = model.languageModel();
            int vocab = lm.config().vocabSize();
            KvCache cache = lm.newCache(128);
            int[] prefix = IntStream.range(0, 20).map(i -> (i * 17 + 3) % 384).toArray();
            int[] next = {5, 6, 7};
            lm.forward(cache, prefix, 0, prefix.length, new float[vocab], false);
            KvCache.Snapshot snapshot = cache.snapshot();
            float[] first = new float[vocab];
            lm.forward(cache, next, 0, next.length, first, false);
            assertThatThrownBy(() -> cache.truncate(prefix.length)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("restore a snapshot");
            cache.restore(snapshot);
            assertThat(cache.length()).isEqualTo(prefix.length);
            float[] again = new float[vocab];
            lm.forward(cache, next, 0, next.length, again, false);
            assertThat(again).containsExactly(first);
            cache.reset();
            float[] fromScratch = new float[vocab];
            lm.forward(cache, prefix, 0, prefix.length, new float[vocab], false);
            lm.forward(cache, next, 0, next.length, fromScratch, false);
            assertThat(fromScratch).containsExactly(first);
            assertThat(Arrays.equals(first, new float[vocab])).isFalse();
        }
    }
}
