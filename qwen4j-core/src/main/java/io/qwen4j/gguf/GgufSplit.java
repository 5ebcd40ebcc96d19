package io.qwen4j.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Models split into several GGUF files, as llama.cpp's gguf-split writes them and Hugging Face hosts big models:
 * {@code NAME-00001-of-00003.gguf} ... {@code NAME-00003-of-00003.gguf}. Every part carries {@code split.no}
 * (0-based, u16), {@code split.count} (u16) and {@code split.tensors.count} (i32, the tensors of all parts);
 * the first part also holds all other metadata; each part holds a run of the tensors with their data.
 * Reading follows llama_model_loader (src/llama-model-loader.cpp) and the names llama_split_path /
 * llama_split_prefix (src/llama.cpp); writing follows split_strategy in tools/gguf-split/gguf-split.cpp.
 */
public final class GgufSplit {
    public static final String NO = "split.no";
    public static final String COUNT = "split.count";
    public static final String TENSORS_COUNT = "split.tensors.count";

    private GgufSplit() {}

    /** The path of part {@code no} (0-based) of {@code count}: llama_split_path's {@code %s-%05d-of-%05d.gguf}. */
    public static Path partPath(Path prefix, int no, int count) {
        return prefix.resolveSibling(prefix.getFileName() + suffix(no, count));
    }

    private static String suffix(int no, int count) {
        return String.format("-%05d-of-%05d.gguf", no + 1, count);
    }

    /**
     * Opens a model: a single GGUF file as {@link GgufFile#open} does, or, when the file is a part of a split model
     * (any part, not only the first: llama.cpp insists on the first, but the name tells where the others are), all
     * of its parts as one {@link GgufFile}. Fails naming the part that is missing or does not belong.
     */
    public static GgufFile open(Path path) throws IOException {
        GgufFile given = GgufFile.open(path);
        var parts = new ArrayList<GgufFile>();
        try {
            if (!given.has(COUNT)) return given;
            int count = given.getInt(COUNT);
            int no = given.getInt(NO, 0);
            if (count < 1 || count > 0xFFFF) throw new GgufFormatException(path + ": " + COUNT + " is " + count + ", expected 1 to 65535");
            if (count == 1) {
                if (no != 0) throw new GgufFormatException(path + ": " + NO + " is " + no + " in a model of " + COUNT + " 1");
                return given;
            }
            if (no < 0 || no >= count) {
                throw new GgufFormatException(path + ": " + NO + " is " + no + ", outside the " + count + " parts " + COUNT + " gives");
            }
            String name = path.getFileName().toString();
            String suffix = suffix(no, count);
            if (!name.endsWith(suffix) || name.length() == suffix.length()) {
                throw new GgufFormatException(path + ": part " + (no + 1) + " of a model split in " + count
                        + " parts, but its name does not end in '" + suffix + "', so the other parts cannot be found");
            }
            Path prefix = path.resolveSibling(name.substring(0, name.length() - suffix.length()));
            for (int i = 0; i < count; i++) {
                if (i == no) {
                    parts.add(given);
                    continue;
                }
                Path partPath = partPath(prefix, i, count);
                if (!Files.exists(partPath)) {
                    throw new NoSuchFileException(partPath.toString(), null, "part " + (i + 1) + " of " + count
                            + " of the split model " + path.getFileName() + " is missing");
                }
                parts.add(GgufFile.open(partPath));
            }
            for (int i = 0; i < count; i++) checkPart(parts.get(i), i, count);
            GgufFile first = parts.getFirst();
            GgufFile model = first.withOtherParts(parts.subList(1, count));
            long expected = first.getLong(TENSORS_COUNT, model.tensors().size());
            if (expected != model.tensors().size()) {
                throw new GgufFormatException(first.path() + ": " + TENSORS_COUNT + " is " + expected + " but the "
                        + count + " parts hold " + model.tensors().size() + " tensors");
            }
            return model;
        } catch (IOException | RuntimeException e) {
            given.close();
            for (GgufFile p : parts) p.close();
            throw e;
        }
    }

    /** Part {@code no} must say so, and agree on the number of parts (a part of another split model does not). */
    private static void checkPart(GgufFile part, int no, int count) throws GgufFormatException {
        if (!part.has(NO) || !part.has(COUNT)) {
            throw new GgufFormatException(part.path() + ": expected part " + (no + 1) + " of " + count
                    + " of a split model, but the file has no " + (part.has(NO) ? COUNT : NO) + " key");
        }
        int partNo = part.getInt(NO);
        int partCount = part.getInt(COUNT);
        if (partNo != no || partCount != count) {
            throw new GgufFormatException(part.path() + ": expected part " + (no + 1) + " of " + count + " but the file says it is part "
                    + (partNo + 1) + " of " + partCount + " (a part of another model, or renamed?)");
        }
    }

    /**
     * Writes {@code source} as a model split in {@code parts} files {@code prefix-0000i-of-0000n.gguf}, the way
     * {@code llama-gguf-split --split-max-tensors} does: the tensors in order, {@code ceil(n / parts)} to a file;
     * all metadata in the first file followed by {@code split.no}, {@code split.tensors.count} and {@code split.count},
     * only those three keys in the others. Returns the paths in part order. (Checked by hand: the parts are byte for
     * byte those that llama-gguf-split --split-max-tensors ceil(n / parts) writes from the same file.)
     */
    public static List<Path> write(GgufFile source, Path prefix, int parts) throws IOException {
        int n = source.tensors().size();
        if (parts < 1 || parts > Math.max(1, n)) throw new IllegalArgumentException("cannot split " + n + " tensors into " + parts + " parts");
        int perPart = (n + parts - 1) / parts;
        int count = (n + perPart - 1) / perPart; // gguf-split makes no empty parts: 5 tensors in 4 parts of 2 are 3
        var paths = new ArrayList<Path>();
        for (int i = 0; i < count; i++) {
            var w = new GgufWriter();
            if (i == 0) {
                source.metadata().forEach((key, value) -> {
                    if (!key.startsWith("split.")) w.put(key, value);
                });
                // the data must sit where a copied general.alignment says (the default 32 leaves the key as it was)
                if (source.alignment() != GgufFile.DEFAULT_ALIGNMENT) w.alignment((int) source.alignment());
            }
            // gguf_set_val_* removes and appends: split.count, set again once the parts are known, comes last
            w.put(NO, new GgufValue(GgufValueType.UINT16, null, (long) i));
            w.put(TENSORS_COUNT, GgufValue.ofInt32(n));
            w.put(COUNT, new GgufValue(GgufValueType.UINT16, null, (long) count));
            for (var t : source.tensors().subList(i * perPart, Math.min(n, (i + 1) * perPart))) {
                w.addTensor(t.name(), t.type(), t.shape(), source.tensorData(t));
            }
            Path p = partPath(prefix, i, count);
            w.write(p);
            paths.add(p);
        }
        return List.copyOf(paths);
    }
}
