package io.qwen4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.GgmlType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;

/**
 * A corrupt file must fail with a GgufFormatException that says what is wrong, never with any other exception,
 * an OutOfMemoryError or a hang: files truncated anywhere and files with random bytes or extreme 64-bit values
 * written over them, starting from a small file with every metadata type and a real generated model; and a split
 * model with one part truncated.
 */
class GgufFuzzTest {
    private static Path dir;
    private static byte[] sample;
    private static byte[] model;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("gguf-fuzz");
        sample = GgufFiles.bytes(GgufFiles.sample());
        Path m = dir.resolve("model.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3().withShape(32, 1, 2, 1, 16, 32).withType(GgmlType.Q8_0), m);
        model = Files.readAllBytes(m);
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    /** Opens the bytes; success is fine if every accessor then works, failure must be a clear GgufFormatException. */
    private static void openAndUse(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "f", ".gguf");
        try {
            Files.write(p, bytes);
            try (var f = GgufFile.open(p)) {
                for (var e : f.metadata().entrySet()) assertThat(e.getValue().display(4)).isNotNull();
                for (var t : f.tensors()) assertThat(f.tensorData(t).byteSize()).isEqualTo(t.byteSize());
            } catch (GgufFormatException e) {
                assertThat(e.getMessage()).contains(p.toString()).hasSizeGreaterThan(p.toString().length() + 10);
            } catch (Throwable t) {
                fail("opening a corrupt file threw " + t + " instead of a GgufFormatException", t);
            }
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @Property(tries = 1)
    void truncatedAtEveryOffsetOfTheSmallFile() throws IOException {
        for (int len = 0; len < sample.length; len++) openAndUse(java.util.Arrays.copyOf(sample, len));
    }

    @Property(tries = 200)
    void truncatedModelFile(@ForAll @IntRange(min = 0, max = 1_000_000) int cut) throws IOException {
        openAndUse(java.util.Arrays.copyOf(model, cut % model.length));
    }

    /** A part of a three-part split model cut anywhere: opening the set fails naming that part, or works fully. */
    @Property(tries = 60)
    void truncatedPartOfASplitModel(@ForAll @IntRange(min = 0, max = 2) int which,
                                    @ForAll @IntRange(min = 0, max = 1_000_000) int cut) throws IOException {
        Path sub = Files.createTempDirectory(dir, "split");
        try {
            Path whole = sub.resolve("whole.gguf");
            Files.write(whole, model);
            java.util.List<Path> parts;
            try (var f = GgufFile.open(whole)) {
                parts = GgufSplit.write(f, sub.resolve("m"), 3);
            }
            Path part = parts.get(which);
            byte[] bytes = Files.readAllBytes(part);
            Files.write(part, java.util.Arrays.copyOf(bytes, cut % bytes.length));
            try (var f = GgufSplit.open(parts.getFirst())) {
                for (var t : f.tensors()) assertThat(f.tensorData(t).byteSize()).isEqualTo(t.byteSize());
            } catch (GgufFormatException e) {
                assertThat(e.getMessage()).contains(part.toString());
            } catch (Throwable t) {
                fail("opening a split model with a truncated part threw " + t + " instead of a GgufFormatException", t);
            }
        } finally {
            try (var files = Files.list(sub)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(sub);
        }
    }

    @Provide
    Arbitrary<Long> extremes() {
        return Arbitraries.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL, 1L << 31, 1L << 32, 1L << 40,
                1L << 62, 32L, 48L, 13L, 4L);
    }

    @Property(tries = 400)
    void extremeValueWrittenAnywhereInTheHeader(@ForAll @IntRange(min = 0, max = 100_000) int where,
                                                @ForAll("extremes") long value, @ForAll boolean inModel) throws IOException {
        byte[] base = inModel ? model : sample;
        int headerEnd = Math.min(base.length - 8, inModel ? 8000 : base.length - 8);
        byte[] bytes = base.clone();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(where % headerEnd, value);
        openAndUse(bytes);
    }

    @Property(tries = 400)
    void randomBytesOverwritten(@ForAll @IntRange(min = 0, max = 1_000_000) int where, @ForAll byte[] noise,
                                @ForAll boolean inModel) throws IOException {
        byte[] base = inModel ? model : sample;
        byte[] bytes = base.clone();
        int start = where % Math.min(base.length, inModel ? 8000 : base.length);
        for (int i = 0; i < noise.length && start + i < bytes.length; i++) bytes[start + i] = noise[i];
        openAndUse(bytes);
    }
}
