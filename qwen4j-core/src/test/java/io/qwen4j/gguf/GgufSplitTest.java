package io.qwen4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qwen4j.model.synthetic.RandomModelWriter;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Split models (NAME-00001-of-00003.gguf) open as one file; a missing or foreign part is named. */
class GgufSplitTest {
    @TempDir
    Path dir;

    private Path model() throws IOException {
        Path p = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), p);
        return p;
    }

    private List<Path> split(Path model, String prefix, int parts) throws IOException {
        try (var f = GgufFile.open(model)) {
            return GgufSplit.write(f, dir.resolve(prefix), parts);
        }
    }

    @Test
    void partNamesAreLlamaSplitPaths() {
        assertThat(GgufSplit.partPath(Path.of("m", "Qwen3-Q4_K_M"), 0, 3)).isEqualTo(Path.of("m", "Qwen3-Q4_K_M-00001-of-00003.gguf"));
        assertThat(GgufSplit.partPath(Path.of("x"), 11, 12).toString()).isEqualTo("x-00012-of-00012.gguf");
    }

    @Test
    void partsAreLaidOutAsGgufSplitWritesThem() throws IOException {
        Path model = model();
        List<Path> parts = split(model, "tiny", 3);
        assertThat(parts).extracting(p -> p.getFileName().toString())
                .containsExactly("tiny-00001-of-00003.gguf", "tiny-00002-of-00003.gguf", "tiny-00003-of-00003.gguf");
        try (var whole = GgufFile.open(model)) {
            int n = whole.tensors().size();
            int perPart = (n + 2) / 3;
            for (int i = 0; i < 3; i++) {
                try (var part = GgufFile.open(parts.get(i))) {
                    var keys = List.copyOf(part.metadata().keySet());
                    // every part ends in the three split keys (u16, i32, u16), in gguf-split's order
                    assertThat(keys.subList(keys.size() - 3, keys.size())).containsExactly(GgufSplit.NO, GgufSplit.TENSORS_COUNT, GgufSplit.COUNT);
                    assertThat(part.value(GgufSplit.NO).orElseThrow()).isEqualTo(new GgufValue(GgufValueType.UINT16, null, (long) i));
                    assertThat(part.value(GgufSplit.COUNT).orElseThrow()).isEqualTo(new GgufValue(GgufValueType.UINT16, null, 3L));
                    assertThat(part.value(GgufSplit.TENSORS_COUNT).orElseThrow()).isEqualTo(GgufValue.ofInt32(n));
                    // all other metadata in the first part only
                    assertThat(keys).hasSize(i == 0 ? whole.metadata().size() + 3 : 3);
                    assertThat(part.tensors()).extracting(GgufTensorInfo::name).containsExactlyElementsOf(
                            whole.tensors().subList(i * perPart, Math.min(n, (i + 1) * perPart)).stream().map(GgufTensorInfo::name).toList());
                }
            }
        }
    }

    @Test
    void anyPartOpensTheWholeModelWithEveryTensorsBytes() throws IOException {
        Path model = model();
        List<Path> parts = split(model, "tiny", 3);
        try (var whole = GgufFile.open(model)) {
            for (Path given : parts) {
                try (var split = GgufSplit.open(given)) {
                    assertThat(split.paths()).containsExactlyElementsOf(parts);
                    assertThat(split.path()).isEqualTo(parts.getFirst());
                    assertThat(split.fileSize()).isEqualTo(parts.stream().mapToLong(p -> p.toFile().length()).sum());
                    assertThat(split.getString("general.architecture")).isEqualTo("qwen3");
                    assertThat(split.tensors()).extracting(GgufTensorInfo::name)
                            .containsExactlyElementsOf(whole.tensors().stream().map(GgufTensorInfo::name).toList());
                    for (var t : whole.tensors()) {
                        var s = split.tensor(t.name()).orElseThrow();
                        assertThat(split.tensorData(s).toArray(ValueLayout.JAVA_BYTE))
                                .as(t.name()).isEqualTo(whole.tensorData(t).toArray(ValueLayout.JAVA_BYTE));
                    }
                }
            }
        }
    }

    @Test
    void singleFileOpensAsItself() throws IOException {
        Path model = model();
        try (var f = GgufSplit.open(model)) {
            assertThat(f.paths()).containsExactly(model);
            assertThat(f.fileSize()).isEqualTo(Files.size(model));
        }
    }

    @Test
    void closeUnmapsEveryPart() throws IOException {
        List<Path> parts = split(model(), "tiny", 2);
        var split = GgufSplit.open(parts.getFirst());
        var last = split.tensors().getLast();
        var data = split.tensorData(last);
        split.close();
        assertThatThrownBy(() -> data.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void missingPartIsNamed() throws IOException {
        List<Path> parts = split(model(), "tiny", 3);
        Files.delete(parts.get(1));
        assertThatThrownBy(() -> GgufSplit.open(parts.getFirst())).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(parts.get(1).toString()).hasMessageContaining("part 2 of 3");
    }

    @Test
    void partOfAnotherSplitIsNamed() throws IOException {
        Path model = model();
        List<Path> three = split(model, "tiny", 3);
        List<Path> two = split(model, "other", 2);
        // a two-part file renamed into the three-part set: split.count disagrees
        Files.copy(two.get(1), three.get(2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> GgufSplit.open(three.getFirst())).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(three.get(2).toString()).hasMessageContaining("expected part 3 of 3 but the file says it is part 2 of 2");
        // a part swapped with another of the same set: split.no disagrees
        Files.copy(three.get(1), three.get(2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> GgufSplit.open(three.getFirst())).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(three.get(2).toString()).hasMessageContaining("part 2 of 3");
        // an unsplit file in a part's place
        Files.copy(model, three.get(2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> GgufSplit.open(three.getFirst())).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(three.get(2).toString()).hasMessageContaining("has no split.no key");
    }

    @Test
    void tensorInTwoPartsIsNamed() throws IOException {
        List<Path> parts = split(model(), "tiny", 3);
        Path edited = dir.resolve("edited.gguf");
        try (var second = GgufFile.open(parts.get(1)); var third = GgufFile.open(parts.get(2))) {
            var w = new GgufWriter();
            third.metadata().forEach(w::put);
            var t = second.tensors().getFirst();
            w.addTensor(t.name(), t.type(), t.shape(), second.tensorData(t));
            w.write(edited);
        }
        Files.move(edited, parts.get(2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> GgufSplit.open(parts.getFirst())).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining(parts.get(2).toString()).hasMessageContaining("is also in an earlier part");
    }

    @Test
    void renamedPartCannotFindTheOthers() throws IOException {
        List<Path> parts = split(model(), "tiny", 2);
        Path renamed = dir.resolve("renamed.gguf");
        Files.move(parts.getFirst(), renamed);
        assertThatThrownBy(() -> GgufSplit.open(renamed)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("part 1 of a model split in 2 parts, but its name does not end in '-00001-of-00002.gguf'");
    }

    @Test
    void tensorCountMismatchIsNamed() throws IOException {
        Path model = model();
        List<Path> parts = split(model, "tiny", 2);
        try (var first = GgufFile.open(parts.getFirst())) {
            var w = new GgufWriter();
            first.metadata().forEach(w::put);
            w.put(GgufSplit.TENSORS_COUNT, GgufValue.ofInt32(first.tensors().size() * 5));
            for (var t : first.tensors()) w.addTensor(t.name(), t.type(), t.shape(), first.tensorData(t));
            w.write(dir.resolve("edited.gguf"));
        }
        Files.move(dir.resolve("edited.gguf"), parts.getFirst(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> GgufSplit.open(parts.get(1))).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("split.tensors.count is");
    }
}
