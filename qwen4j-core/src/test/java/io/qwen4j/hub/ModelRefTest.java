package io.qwen4j.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ModelRefTest {
    @Test
    void hubSpellingsAllNameTheSameRepository() {
        for (String s : new String[] {"hf.co/Qwen/Qwen3-8B-GGUF:Q4_K_M", "huggingface.co/Qwen/Qwen3-8B-GGUF:Q4_K_M",
                "https://huggingface.co/Qwen/Qwen3-8B-GGUF:Q4_K_M", "Qwen/Qwen3-8B-GGUF:Q4_K_M", " HF.CO/Qwen/Qwen3-8B-GGUF:Q4_K_M "}) {
            var ref = ModelRef.parse(s);
            assertThat(ref.repo()).as(s).isEqualTo("Qwen/Qwen3-8B-GGUF");
            assertThat(ref.quant()).as(s).isEqualTo("Q4_K_M");
            assertThat(ref.org()).isEqualTo("Qwen");
            assertThat(ref.name()).isEqualTo("Qwen3-8B-GGUF");
        }
        assertThat(ModelRef.parse("unsloth/Qwen3.5-4B-GGUF").quant()).isNull();
        assertThat(ModelRef.parse("unsloth/Qwen3.5-4B-GGUF").toString()).isEqualTo("hf.co/unsloth/Qwen3.5-4B-GGUF");
    }

    @Test
    void aliasesMapToRepositoriesWithADefaultQuant() {
        assertThat(ModelRef.parse("qwen3:0.6b")).isEqualTo(new ModelRef("Qwen/Qwen3-0.6B-GGUF", "Q8_0", "qwen3:0.6b"));
        assertThat(ModelRef.parse("qwen3:1.7b").quant()).isEqualTo("Q8_0");
        assertThat(ModelRef.parse("Qwen3:8B")).isEqualTo(new ModelRef("Qwen/Qwen3-8B-GGUF", "Q4_K_M", "qwen3:8b"));
        assertThat(ModelRef.parse("qwen3.5:9b").repo()).isEqualTo("unsloth/Qwen3.5-9B-GGUF");
        assertThat(ModelRef.parse("qwen2.5:0.5b").repo()).isEqualTo("Qwen/Qwen2.5-0.5B-Instruct-GGUF");
        assertThat(ModelRef.parse("qwen3-coder:30b").repo()).isEqualTo("unsloth/Qwen3-Coder-30B-A3B-Instruct-GGUF");
        // Ollama's tag style picks another quant of the same model.
        assertThat(ModelRef.parse("qwen3:8b-q8_0")).isEqualTo(new ModelRef("Qwen/Qwen3-8B-GGUF", "Q8_0", "qwen3:8b-q8_0"));
        assertThat(ModelRef.parse("qwen2.5-coder:7b-q4_0").repo()).isEqualTo("Qwen/Qwen2.5-Coder-7B-Instruct-GGUF");
        assertThat(ModelRef.tryParse("qwen3-foo")).isEmpty();
    }

    @Test
    void filePathsAndNonsenseAreNotReferences() {
        for (String s : new String[] {"model.gguf", "models/model.gguf", "./Qwen/Qwen3", "/abs/Qwen3", "a/b/c", "../x",
                "Qwen/..", "Qwen/Qwen3:", "Qwen/Qwen3:bad quant", "", "qwen9:1b", "~/x.gguf"}) {
            assertThat(ModelRef.tryParse(s)).as(s).isEmpty();
        }
        assertThatThrownBy(() -> ModelRef.parse("qwen9:1b"))
                .hasMessageContaining("not a model reference: 'qwen9:1b'")
                .hasMessageContaining("qwen3:0.6b");
        // With an explicit hub host, a repository name may end in .gguf.
        assertThat(ModelRef.parse("hf.co/someone/model.gguf").repo()).isEqualTo("someone/model.gguf");
    }

    @Property
    void canonicalSpellingRoundTrips(@ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 20) String org,
                                     @ForAll @AlphaChars @StringLength(min = 1, max = 20) String name,
                                     @ForAll("quants") String quant) {
        var ref = new ModelRef(org + "/" + name + "-GGUF", quant, null);
        assertThat(ModelRef.parse(ref.toString())).isEqualTo(ref);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> quants() {
        return net.jqwik.api.Arbitraries.of("Q4_K_M", "Q8_0", "UD-Q4_K_XL", "BF16", "IQ2_XXS").injectNull(0.2);
    }
}
