package io.qwen4j.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.gguf.GgufWriter;
import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are valid GGUF but not a model we run fail at load time with a message naming the problem. */
class ModelLoadErrorsTest {
    @TempDir
    Path dir;

    private Path variant(String name, java.util.function.BiConsumer<GgufFile, GgufWriter> edit) throws Exception {
        return variant(name, edit, "");
    }

    /** Rewrites a generated model with metadata edited, tensor {@code drop} left out and tensors added by the edit. */
    private Path variant(String name, java.util.function.BiConsumer<GgufFile, GgufWriter> edit, String drop) throws Exception {
        Path base = dir.resolve("base.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), base);
        Path out = dir.resolve(name + ".gguf");
        try (var f = GgufFile.open(base)) {
            var w = new GgufWriter();
            f.metadata().forEach(w::put);
            for (var t : f.tensors()) if (!t.name().equals(drop)) w.addTensor(t.name(), t.type(), t.shape(), f.tensorData(t));
            edit.accept(f, w);
            w.write(out);
        }
        return out;
    }

    @Test
    void unknownArchitectureNamesTheSupportedOnes() throws Exception {
        Path p = variant("llama", (f, w) -> w.putString("general.architecture", "llama"));
        assertThatThrownBy(() -> Model.open(p)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("unsupported architecture 'llama' (supported: qwen2, qwen3, qwen3moe, qwen35, qwen35moe, qwen3next)");
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Path out = variant("missing", (f, w) -> {}, "blk.1.ffn_up.weight");
        assertThatThrownBy(() -> Model.open(out)).hasMessageContaining("missing tensor 'blk.1.ffn_up.weight'");
    }

    @Test
    void unsupportedTensorTypeIsNamed() throws Exception {
        Path p = variant("iq2xxs", (f, w) -> {
            // IQ2_XXS blocks are 256 wide: a [256 x 384] embedding stands in for such a file.
            w.putUInt32("qwen3.embedding_length", 256);
            w.addTensor("token_embd.weight", GgmlType.IQ2_XXS, new long[] {256, 384}, new byte[(int) GgmlType.IQ2_XXS.bytesFor(256 * 384)]);
        }, "token_embd.weight");
        assertThatThrownBy(() -> Model.open(p)).hasMessageContaining("token_embd.weight").hasMessageContaining("IQ2_XXS is not supported");
    }

    @Test
    void wrongShapeIsNamed() throws Exception {
        Path p = variant("shape", (f, w) -> w.putUInt32("qwen3.feed_forward_length", 96));
        assertThatThrownBy(() -> Model.open(p)).hasMessageContaining("blk.0.ffn_gate.weight").hasMessageContaining("expected [64, 96]");
    }
}
