package io.qwen4j.quantize;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.model.synthetic.RandomModelSpecs;
import io.qwen4j.model.synthetic.RandomModelWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our quantizer writes the very file llama-quantize writes: same metadata, tensor order, types and bytes.
 * Golden data (sha256 of llama-quantize's outputs, the tensor types of each mix): scripts/quantize/make-golden.sh.
 */
class ModelQuantizerLlamaIdentityTest {
    private static final String DIR = "/quantize/";

    @TempDir
    static Path dir;

    private static final Map<String, Path> MODELS = new HashMap<>();

    record Case(String model, RandomModelWriter.Spec spec, String recipe, String sha256) {
        @Override
        public String toString() {
            return model + " " + recipe;
        }
    }

    static Stream<Arguments> cases() throws IOException {
        var golden = new HashMap<String, String>();
        for (String line : resource("golden.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            golden.put(f[0] + " " + f[1], f[2]);
        }
        var out = new ArrayList<Arguments>();
        for (String line : resource("models.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            for (String recipe : f[13].split(",")) {
                String sha = golden.get(f[0] + " " + recipe);
                if (sha == null) throw new IOException("golden.tsv has no line for " + f[0] + " " + recipe);
                out.add(Arguments.of(new Case(f[0], RandomModelSpecs.parse(f), recipe, sha)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writesTheFileLlamaQuantizeWrites(Case c) throws Exception {
        Path model = model(c);
        boolean pure = c.recipe().startsWith("pure:");
        Recipe recipe = Recipe.parse(pure ? c.recipe().substring(5) : c.recipe());
        if (!pure) {
            // the types first: a wrong choice shows as a readable diff before the hash says only "different"
            try (var gguf = GgufFile.open(model)) {
                String types = ModelQuantizer.plan(gguf, recipe, false).stream()
                        .map(p -> p.name() + "\t" + p.to()).collect(Collectors.joining("\n"));
                assertThat(types).isEqualTo(resource(c.model() + "." + c.recipe() + ".types").strip());
            }
        }
        Path out = dir.resolve(c.model() + "-" + c.recipe().replace(':', '-') + ".gguf");
        ModelQuantizer.quantize(model, out, recipe, pure, 2, null);
        assertThat(sha256(out)).as("sha256 of %s", out.getFileName()).isEqualTo(c.sha256());
        Files.delete(out);
    }

    /** Each case's model, written once and checked to be the file llama-quantize was given. */
    private static synchronized Path model(Case c) throws Exception {
        Path existing = MODELS.get(c.model());
        if (existing != null) return existing;
        Path file = dir.resolve(c.model() + ".gguf");
        RandomModelWriter.write(c.spec(), file);
        assertThat(sha256(file))
                .as("the generated model must be the file llama-quantize saw; if the generator changed on purpose, "
                        + "rerun scripts/quantize/make-golden.sh")
                .isEqualTo(resource(c.model() + ".sha256").strip());
        MODELS.put(c.model(), file);
        return file;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ModelQuantizerLlamaIdentityTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IOException("missing test resource " + DIR + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

}
