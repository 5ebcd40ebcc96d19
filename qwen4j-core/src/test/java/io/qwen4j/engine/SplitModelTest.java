package io.qwen4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufSplit;
import io.qwen4j.model.Logits;
import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.GgmlType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A model split by gguf-split's rules loads through Model.open and computes the logits of the whole file. */
class SplitModelTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void splitModelGivesTheLogitsOfTheWholeFile(int parts) throws Exception {
        Path whole = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3().withType(GgmlType.Q8_0), whole);
        List<Path> split;
        try (var f = GgufFile.open(whole)) {
            split = GgufSplit.write(f, dir.resolve("tiny"), parts);
        }
        assertThat(split).hasSize(parts);
        int[] tokens = {1, 17, 300, 42, 5, 99};
        float[] expected;
        try (var m = Model.open(whole, new Model.Options(1, 64))) {
            expected = Logits.compute(m.languageModel(), tokens, Logits.Mode.BATCH);
        }
        for (Path given : List.of(split.getFirst(), split.getLast())) {
            try (var m = Model.open(given, new Model.Options(1, 64))) {
                assertThat(m.gguf().paths()).containsExactlyElementsOf(split);
                // Same bytes, same kernels; not bit-exact only because the same run of the whole file differs in the
                // last bits between JIT tiers within one JVM (Vector API reductions before and after C2), up to ~6e-7.
                assertThat(Logits.compute(m.languageModel(), tokens, Logits.Mode.BATCH)).as("opened as " + given.getFileName())
                        .containsExactly(expected, within(1e-5f));
            }
        }
    }
}
