package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufVocabularyTest {
    @TempDir
    Path dir;

    private GgufFile write(String pre) throws IOException {
        var w = new GgufWriter();
        w.putString("general.architecture", "qwen3");
        w.putString("tokenizer.ggml.model", "gpt2");
        if (pre != null) {
            w.putString("tokenizer.ggml.pre", pre);
        }
        w.putStringArray("tokenizer.ggml.tokens", List.of("a", "b", "ab", "<|im_end|>"));
        w.putInt32Array("tokenizer.ggml.token_type", new int[] {1, 1, 1, 3});
        w.putStringArray("tokenizer.ggml.merges", List.of("a b"));
        w.putUInt32("tokenizer.ggml.eos_token_id", 3);
        Path p = dir.resolve((pre == null ? "none" : pre) + ".gguf");
        w.write(p);
        return GgufFile.open(p);
    }

    @Test
    void preTokenizerComesFromTokenizerGgmlPre() throws IOException {
        try (var qwen2 = write("qwen2"); var qwen35 = write("qwen35"); var none = write(null)) {
            assertThat(GgufVocabulary.tokenizer(qwen2).preTokenizer()).isEqualTo(PreTokenizer.QWEN2);
            assertThat(GgufVocabulary.tokenizer(qwen35).preTokenizer()).isEqualTo(PreTokenizer.QWEN35);
            assertThat(GgufVocabulary.tokenizer(none).preTokenizer()).isEqualTo(PreTokenizer.QWEN2);
            var t = GgufVocabulary.tokenizer(qwen35);
            assertThat(t.encode("ab<|im_end|>")).containsExactly(2, 3);
            assertThat(t.isEndOfGeneration(3)).isTrue();
        }
    }

    @Test
    void unknownPreTokenizerIsNamed() throws IOException {
        try (var llama = write("llama-bpe")) {
            assertThatThrownBy(() -> GgufVocabulary.tokenizer(llama))
                    .hasMessageContaining("tokenizer.ggml.pre 'llama-bpe' is not supported");
        }
    }
}
