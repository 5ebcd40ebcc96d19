package io.qwen4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.engine.Model;
import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.model.synthetic.RandomModelSpecs;
import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our logits against llama.cpp's on generated models of every architecture, tied and untied, head dims 32/64/128,
 * GQA ratios 1/2/8, every type we write (the hybrids' Q8_0 cases against an exact float64 pass instead, see
 * cases.tsv), and on files llama-quantize made from such models (K-quants, Q4_K_M's per-tensor mix, Q4_1, Q5_0,
 * Q5_1, IQ4_NL, IQ4_XS, MXFP4; golden files: scripts/make-conformance-golden.sh).
 * F32 files must agree to 1e-4; quantized ones by cosine > 0.999 per row and the same argmax wherever
 * llama.cpp's top two logits are more than 0.05 apart (llama.cpp rounds activations to 8 bits or F16 there).
 * The llama-quantized files must also agree to 1e-4 with llama.cpp run on them dequantized to F32.
 */
class ConformanceTest {
    private static final String DIR = "/conformance/";

    /** exact: the golden is a float64 reference pass on the dequantized weights, held to the F32 bar in every mode. */
    record Case(String name, RandomModelWriter.Spec spec, int[] tokens, boolean exact) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() throws IOException {
        var out = new ArrayList<Arguments>();
        for (String line : resource("cases.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            var spec = RandomModelSpecs.parse(f);
            int[] tokens = Arrays.stream(f[13].split(",")).mapToInt(Integer::parseInt).toArray();
            boolean exact = f.length > 14 && f[14].equals("exact");
            for (var mode : Logits.Mode.values()) out.add(Arguments.of(new Case(f[0], spec, tokens, exact), mode));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void logitsAgreeWithLlamaCpp(Case c, Logits.Mode mode, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve(c.name() + ".gguf");
        RandomModelWriter.write(c.spec(), file);
        assertThat(sha256(file))
                .as("the generated model must be the file llama.cpp saw; if the generator changed on purpose, "
                        + "rerun scripts/make-conformance-golden.sh")
                .isEqualTo(resource(c.name() + ".sha256").strip());
        String golden = c.exact() ? c.name() + ".exact" : c.name() + "." + mode.name().toLowerCase();
        compare(file, golden, c.name(), c.spec().vocab(), c.tokens(), mode, c.spec().type() == GgmlType.F32 || c.exact());
    }

    record QuantizedCase(String name, int vocab, Set<GgmlType> types, int[] tokens) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> llamaQuantizedCases() throws IOException {
        var out = new ArrayList<Arguments>();
        for (String line : resource("cases-llama-quantized.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            var types = EnumSet.noneOf(GgmlType.class);
            for (String t : f[13].split(",")) types.add(GgmlType.valueOf(t));
            int[] tokens = Arrays.stream(f[14].split(",")).mapToInt(Integer::parseInt).toArray();
            var c = new QuantizedCase(f[0], Integer.parseInt(f[8]), types, tokens);
            for (var mode : Logits.Mode.values()) out.add(Arguments.of(c, mode));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("llamaQuantizedCases")
    void logitsOfLlamaQuantizedFilesAgreeWithLlamaCpp(QuantizedCase c, Logits.Mode mode, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve(c.name() + ".gguf");
        Files.write(file, bytes(c.name() + ".gguf"));
        try (var gguf = GgufFile.open(file)) {
            var present = gguf.tensors().stream().map(GgufTensorInfo::type).collect(java.util.stream.Collectors.toSet());
            assertThat(present).as("tensor types of " + c.name()).containsAll(c.types());
        }
        compare(file, c.name() + "." + mode.name().toLowerCase(), c.name(), c.vocab(), c.tokens(), mode, false);
        // llama.cpp on the file dequantized to F32 by gguf-py: the same weights without its activation rounding
        compare(file, c.name() + ".dequantized." + mode.name().toLowerCase(), c.name(), c.vocab(), c.tokens(), mode, true);
    }

    /** Compares with the golden {@code golden.f32}; {@code exact}: the F32 bar, otherwise cosine and argmax. */
    private static void compare(Path file, String golden, String name, int vocab, int[] tokens, Logits.Mode mode, boolean exact) throws Exception {
        float[] expected = floats(golden + ".f32");
        float[] actual;
        try (var model = Model.open(file, new Model.Options(2, 0))) {
            actual = Logits.compute(model.languageModel(), tokens, mode);
        }
        assertThat(actual).hasSameSizeAs(expected);
        for (int row = 0; row < tokens.length; row++) {
            float[] a = Arrays.copyOfRange(actual, row * vocab, (row + 1) * vocab);
            float[] e = Arrays.copyOfRange(expected, row * vocab, (row + 1) * vocab);
            String where = name + " " + mode + " row " + row;
            if (exact) {
                assertThat(maxAbsDiff(a, e)).as(where + ": max |diff|").isLessThan(1e-4);
            } else {
                assertThat(cosine(a, e)).as(where + ": cosine").isGreaterThan(0.999);
                int[] top = topTwo(e);
                if (e[top[0]] - e[top[1]] > 0.05f) {
                    assertThat(argmax(a)).as(where + ": argmax").isEqualTo(top[0]);
                }
            }
        }
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
        return best;
    }

    static int[] topTwo(float[] a) {
        int first = argmax(a);
        int second = first == 0 ? 1 : 0;
        for (int i = 0; i < a.length; i++) if (i != first && a[i] > a[second]) second = i;
        return new int[] {first, second};
    }

    private static String resource(String name) throws IOException {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    private static float[] floats(String name) throws IOException {
        var buf = java.nio.ByteBuffer.wrap(bytes(name)).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[buf.remaining()];
        buf.get(out);
        return out;
    }

    private static byte[] bytes(String name) throws IOException {
        try (InputStream in = ConformanceTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IOException("missing test resource " + DIR + name);
            return in.readAllBytes();
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

}
