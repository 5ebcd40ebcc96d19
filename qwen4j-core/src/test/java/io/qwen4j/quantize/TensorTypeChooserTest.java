package io.qwen4j.quantize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.tensor.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-tensor types of each mix on shapes the byte-identity test cannot afford or generate: Qwen2 with 80
 * layers (llama.cpp's 70B rule), Qwen3-MoE with 8 experts, Qwen3.5 hybrid and MoE. Expected types:
 * {@code llama-quantize --dry-run} (scripts/quantize/make-golden.sh).
 */
class TensorTypeChooserTest {

    static Stream<String> plans() throws IOException {
        return resource("index.txt").lines().filter(l -> !l.isBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void choosesTheTypesLlamaQuantizeChooses(String plan) throws IOException {
        String text = resource(plan);
        String header = text.lines().findFirst().orElseThrow();
        String arch = field(header, "arch");
        var facts = TensorTypeChooser.ModelFacts.of(arch, Integer.parseInt(field(header, "layers")), Integer.parseInt(field(header, "experts")));
        var tensors = new ArrayList<GgufTensorInfo>();
        var expected = new ArrayList<String>();
        text.lines().skip(1).forEach(line -> {
            String[] f = line.split("\t");
            long[] shape = Arrays.stream(f[1].split(",")).mapToLong(Long::parseLong).toArray();
            tensors.add(new GgufTensorInfo(f[0], GgmlType.F32, shape, 0, 0));
            expected.add(f[0] + "\t" + f[2]);
        });
        Recipe recipe = Recipe.parse(plan.substring(plan.indexOf('.') + 1, plan.lastIndexOf('.')));
        List<GgmlType> types = TensorTypeChooser.choose(tensors, recipe, false, facts);
        String actual = "";
        for (int i = 0; i < tensors.size(); i++) actual += tensors.get(i).name() + "\t" + types.get(i) + "\n";
        assertThat(actual.strip()).isEqualTo(expected.stream().collect(Collectors.joining("\n")));
    }

    @Test
    void llamaQuantizeOrderPutsGlobalTensorsFirstThenBlocksNumerically() {
        var names = new ArrayList<>(List.of("blk.10.attn_q.weight", "token_embd.weight", "blk.2.ffn_up.weight",
                "blk.2.attn_k.weight", "output.weight", "blk.0.attn_v.weight"));
        names.sort(ModelQuantizer.LLAMA_ORDER);
        assertThat(names).containsExactly("output.weight", "token_embd.weight", "blk.0.attn_v.weight",
                "blk.2.attn_k.weight", "blk.2.ffn_up.weight", "blk.10.attn_q.weight");
    }

    @Test
    void parsesRecipesWithLlamaQuantizesAliases() {
        assertThat(Recipe.parse("q4_k")).isEqualTo(Recipe.Q4_K_M);
        assertThat(Recipe.parse("Q5_K")).isEqualTo(Recipe.Q5_K_M);
        assertThat(Recipe.parse("Q6_K").fileType).isEqualTo(18);
        assertThatThrownBy(() -> Recipe.parse("IQ2_XXS")).hasMessageContaining("unknown quantization type 'IQ2_XXS'");
    }

    private static String field(String header, String key) {
        for (String part : header.substring(1).strip().split(" ")) {
            if (part.startsWith(key + "=")) return part.substring(key.length() + 1);
        }
        throw new IllegalArgumentException("no " + key + " in " + header);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TensorTypeChooserTest.class.getResourceAsStream("/quantize/rules/" + name)) {
            if (in == null) throw new IOException("missing test resource /quantize/rules/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
