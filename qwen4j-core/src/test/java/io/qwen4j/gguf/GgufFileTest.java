package io.qwen4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.tensor.GgmlType;
import io.qwen4j.tensor.Quantizer;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    @TempDir
    Path dir;

    private Path write(byte[] bytes) throws Exception {
        Path p = Files.createTempFile(dir, "t", ".gguf");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void roundTripsEveryValueTypeAndTensor() throws Exception {
        Path p = dir.resolve("sample.gguf");
        GgufFiles.sample().write(p);
        try (var f = GgufFile.open(p)) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.alignment()).isEqualTo(32);
            assertThat(f.dataOffset() % 32).isZero();
            assertThat(f.getString("general.architecture")).isEqualTo("qwen3");
            assertThat(f.getLong("u8")).isEqualTo(200);
            assertThat(f.getLong("i8")).isEqualTo(-100);
            assertThat(f.getLong("u16")).isEqualTo(60000);
            assertThat(f.getLong("i16")).isEqualTo(-30000);
            assertThat(f.getLong("u32")).isEqualTo(4_000_000_000L);
            assertThat(f.getInt("i32")).isEqualTo(-2_000_000_000);
            assertThat(f.getFloat("f32")).isEqualTo(1.5e-6f);
            assertThat(f.getBoolean("bool", false)).isTrue();
            assertThat(f.getLong("u64")).isEqualTo(-1L);
            assertThat(f.value("u64").orElseThrow().display(4)).isEqualTo("18446744073709551615");
            assertThat(f.getLong("i64")).isEqualTo(Long.MIN_VALUE);
            assertThat(f.getFloat("f64")).isEqualTo((float) Math.PI);
            assertThat(f.getString("unicode")).isEqualTo("héllo 世界 🙂");
            assertThat(f.getStringArray("tokenizer.ggml.tokens")).containsExactly("!", "\"", "Ġthe", "<|im_start|>", "世界");
            assertThat(f.getIntArray("tokenizer.ggml.token_type")).containsExactly(1, 1, 1, 3, 1);
            assertThat(f.getFloatArray("floats")).containsExactly(1f, -2.5f, 3e10f);
            assertThat(f.value("nested").orElseThrow().display(8)).isEqualTo("[2 x ARRAY: [2 x INT32: 1, 2], [3 x STRING: \"a\", \"b\", \"c\"]]");
            assertThat(f.metadata().keySet()).startsWith("general.architecture", "u8", "i8");
            assertThat(f.tensors()).extracting(GgufTensorInfo::name)
                    .containsExactly("token_embd.weight", "blk.0.attn_norm.weight", "blk.0.ffn_up.weight", "output.weight");
            var emb = f.tensor("token_embd.weight").orElseThrow();
            assertThat(emb.type()).isEqualTo(GgmlType.Q8_0);
            assertThat(emb.shape()).containsExactly(64, 3);
            assertThat(emb.byteSize()).isEqualTo(3 * 2 * 34);
            var norm = f.tensor("blk.0.attn_norm.weight").orElseThrow();
            float[] data = Quantizer.dequantize(GgmlType.F32, f.tensorData(norm), 64);
            for (int i = 0; i < 64; i++) assertThat(data[i]).isEqualTo((float) Math.sin(i));
            for (var t : f.tensors()) assertThat(t.offset() % f.alignment()).isZero();
        }
    }

    @Test
    void honoursACustomAlignment() throws Exception {
        Path p = dir.resolve("a64.gguf");
        GgufFiles.sample().alignment(64).write(p);
        try (var f = GgufFile.open(p)) {
            assertThat(f.alignment()).isEqualTo(64);
            assertThat(f.dataOffset() % 64).isZero();
            for (var t : f.tensors()) assertThat(t.offset() % 64).isZero();
            assertThat(f.tensorData(f.tensor("output.weight").orElseThrow()).get(ValueLayout.JAVA_BYTE, 0)).isNotNull();
        }
    }

    @Test
    void readsVersion2() throws Exception {
        Path p = write(GgufFiles.bytes(GgufFiles.sample().version(2)));
        try (var f = GgufFile.open(p)) {
            assertThat(f.version()).isEqualTo(2);
            assertThat(f.tensors()).hasSize(4);
        }
    }

    @Test
    void typedGettersNameTheKey() throws Exception {
        Path p = dir.resolve("s.gguf");
        GgufFiles.sample().write(p);
        try (var f = GgufFile.open(p)) {
            assertThatThrownBy(() -> f.getString("nope")).hasMessageContaining("missing metadata key 'nope'");
            assertThatThrownBy(() -> f.getString("u32")).hasMessageContaining("'u32' is UINT32, expected STRING");
            assertThatThrownBy(() -> f.getInt("u32")).hasMessageContaining("does not fit an int");
            assertThat(f.getInt("missing", 7)).isEqualTo(7);
        }
    }

    private static byte[] patch(byte[] bytes, int offset, long value, int size) {
        byte[] copy = bytes.clone();
        var b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        if (size == 4) b.putInt(offset, (int) value);
        else b.putLong(offset, value);
        return copy;
    }

    private void assertRejected(byte[] bytes, String... fragments) throws Exception {
        Path p = write(bytes);
        assertThatThrownBy(() -> GgufFile.open(p).close())
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(p.toString())
                .hasMessageContainingAll(fragments);
    }

    @Test
    void namesEachKindOfCorruption() throws Exception {
        byte[] good = GgufFiles.bytes(GgufFiles.sample());
        assertRejected(patch(good, 0, 0x12345678, 4), "not a GGUF file");
        assertRejected(patch(good, 4, 1, 4), "version 1 is not supported");
        assertRejected(patch(good, 4, 99, 4), "unknown GGUF version 99");
        assertRejected(patch(good, 8, 1L << 40, 8), "absurd tensor count");
        assertRejected(patch(good, 16, -5L, 8), "absurd metadata count");
        // The first key's length: "general.architecture" is 20 bytes.
        assertRejected(patch(good, 24, 1L << 50, 8), "exceeds", "metadata key #0");
        // The first value's type id follows the key.
        assertRejected(patch(good, 24 + 8 + 20, 77, 4), "unknown value type 77", "general.architecture");
        assertRejected(java.util.Arrays.copyOf(good, good.length - 10), "outside the file", "truncated");
        assertRejected(java.util.Arrays.copyOf(good, 30), "truncated");
    }

    @Test
    void rejectsStructuralProblems() throws Exception {
        float[] v = new float[64];
        var dupe = new GgufWriter().addTensor("a", GgmlType.F32, new long[] {64}, Quantizer.quantize(GgmlType.F32, v));
        byte[] bytes = GgufFiles.bytes(dupe.addTensor("b", GgmlType.F32, new long[] {64}, Quantizer.quantize(GgmlType.F32, v)));
        // Rename tensor "b" to "a": duplicate names.
        int at = indexOf(bytes, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 'b'});
        bytes[at + 8] = 'a';
        assertRejected(bytes, "duplicate tensor name 'a'");

        byte[] overlap = GgufFiles.bytes(new GgufWriter()
                .addTensor("a", GgmlType.F32, new long[] {64}, Quantizer.quantize(GgmlType.F32, v))
                .addTensor("b", GgmlType.F32, new long[] {64}, Quantizer.quantize(GgmlType.F32, v)));
        int bInfo = indexOf(overlap, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 'b'});
        // name(8+1) + n_dims(4) + dim(8) + type(4) -> offset field; point b at a's data
        assertRejected(patch(overlap, bInfo + 9 + 4 + 8 + 4, 0, 8), "overlaps");
        assertRejected(patch(overlap, bInfo + 9 + 4 + 8 + 4, 16, 8), "not a multiple of the alignment");
        assertRejected(patch(overlap, bInfo + 9 + 4 + 8, 99, 4), "unknown ggml type id 99", "'b'");
        assertRejected(patch(overlap, bInfo + 9, 7, 4), "7 dimensions");
        assertRejected(patch(overlap, bInfo + 9 + 4, -64, 8), "negative dimension");

        var q = GgufFiles.bytes(new GgufWriter().addTensor("q", GgmlType.Q8_0, new long[] {32}, Quantizer.quantize(GgmlType.Q8_0, new float[32])));
        int qInfo = indexOf(q, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 'q'});
        assertRejected(patch(q, qInfo + 9 + 4, 33, 8), "not a multiple of the Q8_0 block size 32");

        // header 24 + key (8 + 1) + value type 4 + element type 4 -> the array's count
        var array = GgufFiles.bytes(new GgufWriter().putStringArray("a", List.of("x", "y")));
        assertRejected(patch(array, 24 + 9 + 4 + 4, 1L << 40, 8), "array 'a' claims 1099511627776 STRING items");

        var badAlign = GgufFiles.bytes(new GgufWriter().putUInt32("general.alignment", 48));
        assertRejected(badAlign, "general.alignment 48 is not a power of two");
        var dupKey = GgufFiles.bytes(new GgufWriter().putUInt32("k1", 1).putUInt32("k2", 2));
        int k2 = indexOf(dupKey, new byte[] {'k', '2'});
        dupKey[k2 + 1] = '1';
        assertRejected(dupKey, "duplicate metadata key 'k1'");
    }

    @Test
    void emptyAndMissingFiles() throws Exception {
        assertRejected(new byte[0], "empty");
        assertThatThrownBy(() -> GgufFile.open(dir.resolve("missing.gguf"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void writerChecksTensorSizes() {
        assertThatThrownBy(() -> new GgufWriter().addTensor("x", GgmlType.Q8_0, new long[] {32}, new byte[33]))
                .hasMessageContaining("x: 33 bytes given");
        assertThatThrownBy(() -> new GgufWriter().alignment(3)).hasMessageContaining("power of two");
        assertThat(GgufFiles.bytes(new GgufWriter().putStringArray("s", List.of()))).isNotEmpty();
    }

    @Test
    void producedTensorsAreWrittenLikeGivenOnesAndAWrongSizeLeavesNoFile() throws Exception {
        byte[] q8 = Quantizer.quantize(GgmlType.Q8_0, new float[64]);
        Path given = dir.resolve("given.gguf");
        Path produced = dir.resolve("produced.gguf");
        new GgufWriter().addTensor("w", GgmlType.Q8_0, new long[] {32, 2}, q8).write(given);
        new GgufWriter().addTensor("w", GgmlType.Q8_0, new long[] {32, 2}, arena -> arena.allocateFrom(ValueLayout.JAVA_BYTE, q8)).write(produced);
        assertThat(Files.readAllBytes(produced)).isEqualTo(Files.readAllBytes(given));

        Path bad = dir.resolve("bad.gguf");
        var writer = new GgufWriter().addTensor("w", GgmlType.Q8_0, new long[] {32, 2}, arena -> arena.allocate(33));
        assertThatThrownBy(() -> writer.write(bad)).hasMessageContaining("w: 33 bytes produced");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("given.gguf", "produced.gguf");
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
