package io.qwen4j.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufWriter;
import io.qwen4j.tensor.GgmlType;
import io.qwen4j.tensor.Quantizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the byte-identity goldens do not cover: alignment, metadata order, input checks, progress. */
class ModelQuantizerTest {
    @TempDir
    Path dir;

    private Path model(int alignment, GgmlType matrixType) throws Exception {
        float[] w = new float[256 * 4];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i * 0.37);
        Path p = dir.resolve("in-" + alignment + "-" + matrixType + ".gguf");
        new GgufWriter()
                .putString("general.architecture", "qwen3")
                .putUInt32("general.file_type", 0)
                .alignment(alignment)
                .putUInt32("qwen3.block_count", 1)
                .putUInt32("split.count", 1)
                .addTensor("blk.0.ffn_down.weight", matrixType, new long[] {256, 4}, Quantizer.quantize(matrixType, w))
                .addTensor("blk.0.attn_norm.weight", GgmlType.F32, new long[] {256}, Quantizer.quantize(GgmlType.F32, new float[256]))
                .addTensor("token_embd.weight", matrixType, new long[] {256, 4}, Quantizer.quantize(matrixType, w))
                .write(p);
        return p;
    }

    @Test
    void keepsMetadataInOrderWithFileTypeLastAndTheInputsAlignment() throws Exception {
        Path out = dir.resolve("out.gguf");
        var events = new ArrayList<ModelQuantizer.Progress>();
        var result = ModelQuantizer.quantize(model(64, GgmlType.F16), out, Recipe.Q4_K_M, false, 2, events::add);
        try (var f = GgufFile.open(out)) {
            assertThat(f.alignment()).isEqualTo(64);
            for (var t : f.tensors()) assertThat(t.offset() % 64).isZero();
            assertThat(List.copyOf(f.metadata().keySet())).containsExactly("general.architecture", "general.alignment",
                    "qwen3.block_count", "general.quantization_version", "general.file_type");
            assertThat(f.getLong("general.file_type")).isEqualTo(15);
            assertThat(f.tensors().stream().map(t -> t.name() + " " + t.type())).containsExactly(
                    "token_embd.weight Q6_K", "blk.0.attn_norm.weight F32", "blk.0.ffn_down.weight Q6_K");
        }
        assertThat(events).extracting(ModelQuantizer.Progress::index).containsExactly(1, 2, 3);
        assertThat(events.getLast().inputBytesDone()).isEqualTo(result.inputBytes());
    }

    @Test
    void refusesQuantizedInputs() throws Exception {
        Path in = model(32, GgmlType.Q8_0);
        assertThatThrownBy(() -> ModelQuantizer.quantize(in, dir.resolve("o.gguf"), Recipe.Q4_0, true, 1, null))
                .hasMessageContaining("already quantized").hasMessageContaining("'token_embd.weight' is Q8_0");
        assertThat(dir.resolve("o.gguf")).doesNotExist();
    }
}
