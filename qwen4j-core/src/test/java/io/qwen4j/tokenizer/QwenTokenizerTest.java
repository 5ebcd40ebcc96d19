package io.qwen4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokenizer on the real Qwen3 vocabulary, against llama.cpp's and Hugging Face's outputs. */
class QwenTokenizerTest {
    private final Tokenizer tokenizer = TestVocabularies.qwen3();

    @Test
    void vocabularyHasQwen3Shape() {
        assertThat(tokenizer.vocabSize()).isEqualTo(151936);
        assertThat(tokenizer.id("<|im_start|>")).hasValue(151644);
        assertThat(tokenizer.id("Ġworld")).hasValue(1879);
        assertThat(tokenizer.id("no such token")).isEmpty();
        assertThat(tokenizer.tokenText(1879)).isEqualTo("Ġworld");
        assertThat(tokenizer.tokenBytes(1879)).isEqualTo(" world".getBytes());
        assertThat(tokenizer.tokenBytes(151644)).isEqualTo("<|im_start|>".getBytes());
        assertThat(tokenizer.tokenBytes(151700)).as("UNUSED padding token").isEmpty();
    }

    /** llama.cpp models/ggml-vocab-qwen2.gguf.inp/.out, parsed as tests/test-tokenizer-0.cpp does. */
    @Test
    void llamaCppTestVectors() {
        String input = TestVocabularies.resourceText("/tokenizer/ggml-vocab-qwen2.gguf.inp");
        String output = TestVocabularies.resourceText("/tokenizer/ggml-vocab-qwen2.gguf.out");
        var texts = new ArrayList<String>(List.of(input.split("\n__ggml_vocab_test__\n", -1)));
        texts.removeLast(); // the file ends with a separator
        var expected = output.split("\n", -1);
        assertThat(texts).hasSize(expected.length - 1);
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = Arrays.stream(expected[i].trim().split(" ")).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
            assertThat(tokenizer.encode(texts.get(i), false)).as("vector %d: %s", i, texts.get(i)).containsExactly(ids);
            assertThat(tokenizer.decode(ids)).isEqualTo(texts.get(i));
        }
    }

    @Test
    void chatMarkupMapsSpecialTokensToTheirIds() {
        // ids from HF tokenizers (oracle.mjs encode --mode special)
        assertThat(tokenizer.encode("<|im_start|>user\nHello<|im_end|>\n"))
                .containsExactly(151644, 872, 198, 9707, 151645, 198);
        assertThat(tokenizer.encode("<|im_start|>assistant\n<think>\n\n</think>\n\nHi"))
                .containsExactly(151644, 77091, 198, 151667, 271, 151668, 271, 13048);
    }

    @Test
    void withoutParseSpecialMarkupIsText() {
        int[] ids = tokenizer.encode("<|im_start|>user", false);
        assertThat(ids).doesNotContain(151644).containsExactly(27, 91, 318, 4906, 91, 29, 872);
        assertThat(tokenizer.decode(ids)).isEqualTo("<|im_start|>user");
        assertThat(tokenizer.encode("<think>", false)).doesNotContain(151667);
    }

    @Test
    void decodeRendersControlTokensAndSkipsUnknownIds() {
        assertThat(tokenizer.decode(new int[] {151644, 872, 198, 9707, 151645})).isEqualTo("<|im_start|>user\nHello<|im_end|>");
        assertThat(tokenizer.decode(new int[] {9707, -1, 999_999, 1879})).isEqualTo("Hello world");
    }

    @Test
    void decodeReplacesIncompleteCharacters() {
        int[] smile = tokenizer.encode("🫠"); // three tokens: [9284, 104, 254]
        assertThat(smile).hasSize(3);
        assertThat(tokenizer.decode(Arrays.copyOf(smile, smile.length - 1))).isEqualTo("\uFFFD");
    }

    @Test
    void endOfGeneration() {
        assertThat(tokenizer.isEndOfGeneration(151645)).as("<|im_end|>").isTrue();
        assertThat(tokenizer.isEndOfGeneration(151643)).as("<|endoftext|>").isTrue();
        assertThat(tokenizer.isEndOfGeneration(151644)).as("<|im_start|>").isFalse();
        assertThat(tokenizer.isEndOfGeneration(9707)).isFalse();
        // llama.cpp also ends on the FIM pad / repo / file-separator tokens
        assertThat(tokenizer.endOfGenerationIds()).containsExactlyInAnyOrder(151643, 151645, 151662, 151663, 151664);
        assertThat(tokenizer.isEndOfGeneration(128247)).as("</s> is an ordinary BPE token in Qwen").isFalse();
        assertThat(tokenizer.isControl(151644)).isTrue();
        assertThat(tokenizer.isControl(151667)).as("<think> is USER_DEFINED").isFalse();
        assertThat(tokenizer.isControl(9707)).isFalse();
    }

    @Test
    void longInputsEncodeWithoutQuadraticBlowUp() {
        String text = "x".repeat(20_000) + " " + "🙂".repeat(2_000) + " " + "7".repeat(5_000);
        int[] ids = tokenizer.encode(text);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }
}
