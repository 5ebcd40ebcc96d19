package io.qwen4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.Parallel;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A MoE layer gives the same logits whether its experts run one after another with the threads splitting each
 * product, or on different threads at once (two or more active experts per thread): each expert's rows land in
 * their own slots and every token sums its experts in index order. (Not bit for bit: a prompt's logits on these
 * models differed by up to 6e-7 between one and two threads before the expert-parallel path existed.)
 */
class MixtureOfExpertsThreadsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3moe", "qwen35moe", "qwen3next"})
    void logitsDoNotDependOnTheThreadCount(String arch) throws Exception {
        Path file = dir.resolve(arch + ".gguf");
        // 12 experts, 4 used: a prompt activates all of them, and one decoded token activates 4 (>= 2 per thread
        // at 2 threads, the expert-parallel path; below it at 3 threads, the row-parallel path).
        var spec = RandomModelWriter.Spec.tinyQwen3().withArchitecture(arch).withShape(64, 2, 4, 2, 32, 128)
                .withStd(0.1f).withMoe(new RandomModelWriter.Moe(12, 4, 48, arch.equals("qwen3moe") ? 0 : 32));
        RandomModelWriter.write(spec, file);
        float[][] alone = run(file, 1);
        for (int threads : new int[] {2, 3}) {
            float[][] logits = run(file, threads);
            for (int i = 0; i < alone.length; i++) {
                assertThat(logits[i]).as("%d threads, forward %d", threads, i).containsExactly(alone[i], within(1e-5f));
            }
        }
    }

    /** The last logits of a 30-token prompt, then of three tokens decoded one by one. */
    private static float[][] run(Path file, int threads) throws Exception {
        try (var pool = new Parallel(threads); var lm = Architectures.load(GgufFile.open(file), pool)) {
            int vocab = lm.config().vocabSize();
            int[] prompt = new int[30];
            for (int i = 0; i < prompt.length; i++) prompt[i] = (i * 37 + 11) % vocab;
            KvCache cache = lm.newCache(64);
            float[][] out = new float[4][vocab];
            lm.forward(cache, prompt, 0, prompt.length, out[0], false);
            for (int step = 1; step < out.length; step++) {
                lm.forward(cache, new int[] {(step * 53) % vocab}, 0, 1, out[step], false);
            }
            return out;
        }
    }
}
