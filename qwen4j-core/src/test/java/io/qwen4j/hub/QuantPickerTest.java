package io.qwen4j.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantPickerTest {
    static List<RepoFile> files(String... paths) {
        return Arrays.stream(paths).map(p -> new RepoFile(p, 1, null)).toList();
    }

    @Test
    void labelsComeFromTheFileNamesOfEveryCommonPublisher() {
        assertThat(QuantPicker.label("Qwen3-0.6B-Q8_0.gguf")).isEqualTo("Q8_0");
        assertThat(QuantPicker.label("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf")).isEqualTo("Q4_K_M");
        assertThat(QuantPicker.label("Qwen3-Coder-30B-A3B-Instruct-UD-Q4_K_XL.gguf")).isEqualTo("UD-Q4_K_XL");
        assertThat(QuantPicker.label("Qwen2.5-3B.Q5_K_S.gguf")).isEqualTo("Q5_K_S");
        assertThat(QuantPicker.label("Qwen1.5-72B-Chat_Q4_K_M-00001-of-00002.gguf")).isEqualTo("Q4_K_M");
        assertThat(QuantPicker.label("Qwen3-8B-BF16.gguf")).isEqualTo("BF16");
        assertThat(QuantPicker.label("Qwen3-8B-IQ2_XXS.gguf")).isEqualTo("IQ2_XXS");
        assertThat(QuantPicker.label("Q4_K_M/model-00001-of-00002.gguf")).isEqualTo("Q4_K_M");
        assertThat(QuantPicker.label("ggml-model.gguf")).isEqualTo("ggml-model");
    }

    @Test
    void exactLabelBeatsSuffixAndSubstring() throws HubException {
        var repo = files("m-Q4_K_M.gguf", "m-Q4_K_S.gguf", "m-UD-Q4_K_XL.gguf", "m-UD-Q4_K_M.gguf", "m-Q8_0.gguf", "README.md");
        assertThat(QuantPicker.pick("o/r", repo, "Q4_K_M").files()).extracting(RepoFile::path).containsExactly("m-Q4_K_M.gguf");
        assertThat(QuantPicker.pick("o/r", repo, "q4_k_xl").quant()).isEqualTo("UD-Q4_K_XL");
        assertThat(QuantPicker.pick("o/r", repo, "ud-q4_k_m").quant()).isEqualTo("UD-Q4_K_M");
        assertThat(QuantPicker.pick("o/r", repo, null).quant()).isEqualTo("Q4_K_M");
        assertThatThrownBy(() -> QuantPicker.pick("o/r", repo, "Q4"))
                .hasMessage("quant Q4 matches several models in o/r: Q4_K_M, Q4_K_S, UD-Q4_K_M, UD-Q4_K_XL; say which one");
    }

    @Test
    void visionProjectorsAndImatricesAreNotModels() throws HubException {
        var repo = files("mmproj-F16.gguf", "Qwen3.5-4B-Q4_K_M.gguf", "imatrix_unsloth.gguf", "Qwen3.5-4B-BF16.gguf");
        assertThat(QuantPicker.pick("o/r", repo, "F16").quant()).isEqualTo("BF16"); // substring level: F16 is only in BF16 now
        assertThat(QuantPicker.pick("o/r", repo, null).quant()).isEqualTo("Q4_K_M");
    }

    @Test
    void defaultsWhenThereIsNoQ4KM() throws HubException {
        assertThat(QuantPicker.pick("o/r", files("m-Q8_0.gguf"), null).quant()).isEqualTo("Q8_0");
        assertThat(QuantPicker.pick("o/r", files("m-Q6_K.gguf", "m-Q8_0.gguf"), null).quant()).isEqualTo("Q6_K");
        assertThat(QuantPicker.pick("o/r", files("only-model.gguf"), null).quant()).isEqualTo("only-model");
        assertThatThrownBy(() -> QuantPicker.pick("o/r", files("m-IQ1_S.gguf", "m-IQ2_XXS.gguf"), null))
                .hasMessage("repository o/r holds several models; add one of these quants to the name (o/r:QUANT): IQ1_S, IQ2_XXS");
        assertThatThrownBy(() -> QuantPicker.pick("o/r", files("README.md", "config.json"), null))
                .hasMessage("repository o/r has no GGUF model files");
    }

    @Test
    void splitSetsMustBeComplete() throws HubException {
        var ok = QuantPicker.pick("o/r", files("m-Q8_0-00003-of-00003.gguf", "m-Q8_0-00001-of-00003.gguf", "m-Q8_0-00002-of-00003.gguf"), "Q8_0");
        assertThat(ok.files()).extracting(RepoFile::path)
                .containsExactly("m-Q8_0-00001-of-00003.gguf", "m-Q8_0-00002-of-00003.gguf", "m-Q8_0-00003-of-00003.gguf");
        assertThatThrownBy(() -> QuantPicker.pick("o/r", files("m-Q8_0-00001-of-00003.gguf", "m-Q8_0-00003-of-00003.gguf"), "Q8_0"))
                .hasMessage("split model m-Q8_0 in o/r is incomplete: part 2 of 3 is missing");
        assertThatThrownBy(() -> QuantPicker.pick("o/r", files("a-Q8_0.gguf", "b-Q8_0.gguf"), "Q8_0"))
                .hasMessage("quant Q8_0 names several files in o/r: a-Q8_0.gguf, b-Q8_0.gguf");
    }

    @Test
    void unsafePathsInAListingAreRefused() {
        for (String p : new String[] {"../x.gguf", "a/../../x.gguf", "/etc/x.gguf", "a//b.gguf", "./x.gguf", "a\\b.gguf"}) {
            assertThatThrownBy(() -> new RepoFile(p, 1, null)).as(p).hasMessageContaining("unsafe file path");
        }
    }
}
