package io.qwen4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.Parallel;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A continuous-batching decode step gives every sequence exactly the logits it would get on its own. */
class BatchedDecodeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3", "qwen2", "qwen3moe", "qwen35", "qwen35moe", "qwen3next"})
    void stepOverSequencesOfDifferentLengthsMatchesSeparateDecodes(String arch) throws Exception {
        Path file = dir.resolve(arch + ".gguf");
        // A batch of 9 takes the tiled matmul path (batch >= 8); hybrids run their sequences one by one.
        var spec = RandomModelWriter.Spec.tinyQwen3().withArchitecture(arch);
        if (!arch.equals("qwen3")) spec = spec.withShape(64, 4, 2, 1, 64, 128).withStd(0.1f);
        RandomModelWriter.write(spec, file);
        try (var lm = Architectures.load(GgufFile.open(file), new Parallel(2))) {
            int vocab = lm.config().vocabSize();
            int n = 9;
            KvCache[] batched = new KvCache[n];
            KvCache[] alone = new KvCache[n];
            int[] next = new int[n];
            float[] scratch = new float[vocab];
            for (int s = 0; s < n; s++) {
                int[] prompt = new int[1 + s * 3];
                for (int i = 0; i < prompt.length; i++) prompt[i] = (s * 31 + i * 7) % vocab;
                batched[s] = lm.newCache(64);
                alone[s] = lm.newCache(64);
                lm.forward(batched[s], prompt, 0, prompt.length, scratch, false);
                lm.forward(alone[s], prompt, 0, prompt.length, scratch, false);
                next[s] = (s * 13 + 5) % vocab;
            }
            for (int step = 0; step < 3; step++) {
                float[] logits = new float[n * vocab];
                lm.forwardEach(batched, next, n, logits);
                for (int s = 0; s < n; s++) {
                    lm.forward(alone[s], next, s, 1, scratch, false);
                    for (int v = 0; v < vocab; v++) {
                        assertThat(logits[s * vocab + v]).as("sequence %d step %d logit %d", s, step, v)
                                .isCloseTo(scratch[v], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                    assertThat(batched[s].length()).isEqualTo(alone[s].length());
                }
                for (int s = 0; s < n; s++) next[s] = (next[s] + 17 * (s + 1)) % vocab;
            }
            assertThatThrownBy(() -> lm.forwardEach(new KvCache[] {batched[0], batched[0]}, next, 2, new float[2 * vocab]))
                    .hasMessageContaining("appears twice");
        }
    }
}
