package io.qwen4j.gguf;

import io.qwen4j.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (versions 2 and 3), memory-mapped. The header is parsed from the mapping with every length and
 * count checked against the bytes that remain, so a corrupt file fails with a {@link GgufFormatException} that
 * names the problem and its offset, never with an OutOfMemoryError. Tensor data stays in the mapping.
 * Format: ggml's docs/gguf.md; checks follow gguf_init_from_file_impl in ggml/src/gguf.cpp.
 *
 * <p>{@link #open} reads one file. A model split into parts ({@code NAME-00001-of-00003.gguf}) opens through
 * {@link GgufSplit#open}, which gives one GgufFile: the first part's metadata and header, the tensors of all
 * parts, each read from the part that holds it, and {@link #close} releasing every part.
 */
public final class GgufFile implements AutoCloseable {
    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_DIMS = 4; // GGML_MAX_DIMS
    private static final int MAX_ARRAY_NESTING = 8;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static {
        // Load the heap-array segment class before C2 compiles any code that reads the mapping. Until it is loaded,
        // C2 assumes every segment is a mapped (native) one; the Vector API's Java fallbacks (run before the kernels
        // are compiled) created the first heap segment during the first forward pass, which threw away every
        // compiled method reading the weights, and C2 compiled them again before the first token (decision 0013).
        MemorySegment.ofArray(new byte[1]);
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final int version;
    private final long alignment;
    private final long dataOffset;
    private final Map<String, GgufValue> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    /** Parts 2..n of a split model (empty for a single file), and which of them holds each of their tensors. */
    private final List<GgufFile> otherParts;
    private final Map<String, GgufFile> partOfTensor;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, long alignment, long dataOffset,
                     Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors) {
        this(path, arena, mapping, version, alignment, dataOffset, metadata, tensors, List.of(), Map.of());
    }

    private GgufFile(Path path, Arena arena, MemorySegment mapping, int version, long alignment, long dataOffset,
                     Map<String, GgufValue> metadata, List<GgufTensorInfo> tensors, List<GgufFile> otherParts,
                     Map<String, GgufFile> partOfTensor) {
        this.otherParts = List.copyOf(otherParts);
        this.partOfTensor = Map.copyOf(partOfTensor);
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = List.copyOf(tensors);
        var byName = new LinkedHashMap<String, GgufTensorInfo>();
        for (GgufTensorInfo t : tensors) byName.put(t.name(), t);
        this.tensorsByName = Collections.unmodifiableMap(byName);
    }

    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapping;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size == 0) throw new GgufFormatException(path + ": the file is empty");
                mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            return parse(path, arena, mapping);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile parse(Path path, Arena arena, MemorySegment seg) throws GgufFormatException {
        var in = new Cursor(path, seg);
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw in.error(0, String.format("not a GGUF file: magic is 0x%08X, expected 0x%08X (\"GGUF\")", magic, MAGIC));
        }
        int version = in.i32("version");
        if ((version & 0xFFFF) == 0 && version != 0) {
            throw in.error(4, "GGUF version " + version + " looks byte-swapped: big-endian files are not supported");
        }
        if (version == 1) throw in.error(4, "GGUF version 1 is not supported (only 2 and 3)");
        if (version < 1 || version > 3) throw in.error(4, "unknown GGUF version " + version + " (supported: 2, 3)");
        long nTensors = in.i64("tensor count");
        long nKv = in.i64("metadata count");
        // Every tensor info needs >= 8+4+8+4+8 bytes and every key/value >= 8+4+1: bound the counts by the file size.
        if (nTensors < 0 || nTensors > in.remaining() / 32) {
            throw in.error(8, "absurd tensor count " + Long.toUnsignedString(nTensors) + ": cannot fit in the " + in.remaining()
                    + " bytes left of a file of " + seg.byteSize() + " (truncated or corrupt file)");
        }
        if (nKv < 0 || nKv > in.remaining() / 13) {
            throw in.error(16, "absurd metadata count " + Long.toUnsignedString(nKv) + ": cannot fit in the " + in.remaining()
                    + " bytes left of a file of " + seg.byteSize() + " (truncated or corrupt file)");
        }

        var metadata = new LinkedHashMap<String, GgufValue>();
        for (long i = 0; i < nKv; i++) {
            long at = in.pos;
            String key = in.string("metadata key #" + i);
            int typeId = in.i32("type of metadata '" + key + "'");
            GgufValueType type = GgufValueType.byId(typeId);
            if (type == null) throw in.error(at, "metadata '" + key + "' has unknown value type " + typeId);
            GgufValue value = in.value(type, key, 0);
            if (metadata.putIfAbsent(key, value) != null) throw in.error(at, "duplicate metadata key '" + key + "'");
        }

        long alignment = DEFAULT_ALIGNMENT;
        GgufValue a = metadata.get("general.alignment");
        if (a != null) {
            if (!a.type().isInteger()) throw in.error(-1, "general.alignment must be an integer, it is " + a.type());
            alignment = (Long) a.value();
            if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > (1 << 30)) {
                throw in.error(-1, "general.alignment " + alignment + " is not a power of two");
            }
        }

        var tensors = new ArrayList<GgufTensorInfo>((int) Math.min(nTensors, 1 << 16));
        var names = new java.util.HashSet<String>();
        for (long i = 0; i < nTensors; i++) {
            long at = in.pos;
            String name = in.string("name of tensor #" + i);
            if (!names.add(name)) throw in.error(at, "duplicate tensor name '" + name + "'");
            int nDims = in.i32("rank of tensor '" + name + "'");
            if (nDims < 0 || nDims > MAX_DIMS) {
                throw in.error(at, "tensor '" + name + "' has " + Integer.toUnsignedString(nDims) + " dimensions (at most " + MAX_DIMS + ")");
            }
            long[] shape = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                shape[d] = in.i64("dimension " + d + " of tensor '" + name + "'");
                if (shape[d] < 0) throw in.error(at, "tensor '" + name + "' has negative dimension " + shape[d]);
                if (shape[d] != 0 && elements > Long.MAX_VALUE / shape[d]) {
                    throw in.error(at, "tensor '" + name + "' shape " + Arrays.toString(shape) + " overflows");
                }
                elements *= shape[d];
            }
            int typeId = in.i32("type of tensor '" + name + "'");
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) throw in.error(at, "tensor '" + name + "' has unknown ggml type id " + typeId);
            long offset = in.i64("offset of tensor '" + name + "'");
            if (nDims > 0 && shape[0] % type.blockSize != 0) {
                throw in.error(at, "tensor '" + name + "' row of " + shape[0] + " elements is not a multiple of the "
                        + type + " block size " + type.blockSize);
            }
            if (elements / type.blockSize > Long.MAX_VALUE / type.blockBytes) {
                throw in.error(at, "tensor '" + name + "' is too large");
            }
            long bytes = elements / type.blockSize * type.blockBytes;
            if (offset < 0 || offset % alignment != 0) {
                throw in.error(at, "tensor '" + name + "' offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment " + alignment);
            }
            tensors.add(new GgufTensorInfo(name, type, shape, offset, bytes));
        }

        long dataOffset = align(in.pos, alignment);
        long dataSize = seg.byteSize() - dataOffset;
        if (dataSize < 0) {
            if (nTensors > 0) throw in.error(in.pos, "truncated: the data section would start at " + dataOffset + ", past the end of the file");
            dataSize = 0;
        }
        var byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(GgufTensorInfo::offset));
        long end = 0;
        String previous = null;
        for (GgufTensorInfo t : byOffset) {
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                throw in.error(-1, "tensor '" + t.name() + "' data [" + (dataOffset + t.offset()) + ", "
                        + (dataOffset + t.offset() + t.byteSize()) + ") lies outside the file of " + seg.byteSize()
                        + " bytes (truncated file?)");
            }
            if (t.offset() < end) {
                throw in.error(-1, "tensor '" + t.name() + "' overlaps tensor '" + previous + "'");
            }
            if (t.byteSize() > 0) {
                end = t.offset() + t.byteSize();
                previous = t.name();
            }
        }
        return new GgufFile(path, arena, seg, version, alignment, dataOffset, metadata, tensors);
    }

    /**
     * This file (the first part of a split model) joined with the other parts into one view: its metadata, the
     * tensors of all parts in part order. Takes ownership of the parts. Checks that no tensor name repeats
     * (as llama_model_loader does: "tensor '%s' is duplicated").
     */
    GgufFile withOtherParts(List<GgufFile> parts) throws GgufFormatException {
        var all = new ArrayList<>(tensors);
        var owner = new LinkedHashMap<String, GgufFile>();
        for (GgufFile part : parts) {
            for (GgufTensorInfo t : part.tensors) {
                if (tensorsByName.containsKey(t.name()) || owner.containsKey(t.name())) {
                    throw new GgufFormatException(part.path + ": tensor '" + t.name() + "' is also in an earlier part of the split model");
                }
                owner.put(t.name(), part);
                all.add(t);
            }
        }
        return new GgufFile(path, arena, mapping, version, alignment, dataOffset, metadata, all, parts, owner);
    }

    static long align(long pos, long alignment) {
        return (pos + alignment - 1) / alignment * alignment;
    }

    /** The file, or the first part of a split model. */
    public Path path() {
        return path;
    }

    /** Every file of the model in part order: just {@link #path()} unless the model is split. */
    public List<Path> paths() {
        var paths = new ArrayList<Path>(List.of(path));
        for (GgufFile part : otherParts) paths.add(part.path);
        return List.copyOf(paths);
    }

    public int version() {
        return version;
    }

    public long alignment() {
        return alignment;
    }

    /** Absolute file offset of the data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Bytes on disk: the file's size, or the sum over all parts of a split model. */
    public long fileSize() {
        long size = mapping.byteSize();
        for (GgufFile part : otherParts) size += part.fileSize();
        return size;
    }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public Optional<GgufValue> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    public String getString(String key) throws GgufFormatException {
        return (String) typed(key, GgufValueType.STRING).value();
    }

    public String getString(String key, String def) throws GgufFormatException {
        return has(key) ? getString(key) : def;
    }

    public long getLong(String key) throws GgufFormatException {
        GgufValue v = require(key);
        if (!v.type().isInteger()) throw wrongType(key, v, "an integer");
        return (Long) v.value();
    }

    public long getLong(String key, long def) throws GgufFormatException {
        return has(key) ? getLong(key) : def;
    }

    public int getInt(String key) throws GgufFormatException {
        long v = getLong(key);
        GgufValueType t = metadata.get(key).type();
        if (t == GgufValueType.UINT64 ? (v < 0 || v > Integer.MAX_VALUE) : (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
            throw new GgufFormatException(path + ": metadata '" + key + "' = " + (t == GgufValueType.UINT64 ? Long.toUnsignedString(v) : v) + " does not fit an int");
        }
        return (int) v;
    }

    public int getInt(String key, int def) throws GgufFormatException {
        return has(key) ? getInt(key) : def;
    }

    public float getFloat(String key) throws GgufFormatException {
        GgufValue v = require(key);
        return switch (v.type()) {
            case FLOAT32 -> (Float) v.value();
            case FLOAT64 -> (float) (double) (Double) v.value();
            default -> {
                if (v.type().isInteger()) yield (float) (long) (Long) v.value();
                throw wrongType(key, v, "a number");
            }
        };
    }

    public float getFloat(String key, float def) throws GgufFormatException {
        return has(key) ? getFloat(key) : def;
    }

    public boolean getBoolean(String key, boolean def) throws GgufFormatException {
        return has(key) ? (Boolean) typed(key, GgufValueType.BOOL).value() : def;
    }

    @SuppressWarnings("unchecked")
    public List<String> getStringArray(String key) throws GgufFormatException {
        GgufValue v = require(key);
        if (v.type() != GgufValueType.ARRAY || v.elementType() != GgufValueType.STRING) throw wrongType(key, v, "an array of strings");
        return (List<String>) v.value();
    }

    public int[] getIntArray(String key) throws GgufFormatException {
        GgufValue v = require(key);
        if (v.type() != GgufValueType.ARRAY || !v.elementType().isInteger()) throw wrongType(key, v, "an array of integers");
        List<?> list = (List<?>) v.value();
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            long x = (Long) list.get(i);
            if (x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
                throw new GgufFormatException(path + ": metadata '" + key + "' item " + i + " = " + x + " does not fit an int");
            }
            out[i] = (int) x;
        }
        return out;
    }

    public float[] getFloatArray(String key) throws GgufFormatException {
        GgufValue v = require(key);
        if (v.type() != GgufValueType.ARRAY || (v.elementType() != GgufValueType.FLOAT32 && v.elementType() != GgufValueType.FLOAT64)) {
            throw wrongType(key, v, "an array of floats");
        }
        List<?> list = (List<?>) v.value();
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) list.get(i)).floatValue();
        return out;
    }

    /** The tensor directory in file order. */
    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(tensorsByName.get(name));
    }

    /** The tensor's bytes: a read-only slice of the mapping of the file (or part) that holds it. */
    public MemorySegment tensorData(GgufTensorInfo t) {
        if (tensorsByName.get(t.name()) != t && !t.equals(tensorsByName.get(t.name()))) {
            throw new IllegalArgumentException("tensor '" + t.name() + "' does not belong to " + path);
        }
        GgufFile part = partOfTensor.get(t.name());
        if (part != null) return part.tensorData(t);
        return mapping.asSlice(dataOffset + t.offset(), t.byteSize()).asReadOnly();
    }

    /** Unmaps the file and, for a split model, every other part. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
        for (GgufFile part : otherParts) part.close();
    }

    private GgufValue require(String key) throws GgufFormatException {
        GgufValue v = metadata.get(key);
        if (v == null) throw new GgufFormatException(path + ": missing metadata key '" + key + "'");
        return v;
    }

    private GgufValue typed(String key, GgufValueType type) throws GgufFormatException {
        GgufValue v = require(key);
        if (v.type() != type) throw wrongType(key, v, type.toString());
        return v;
    }

    private GgufFormatException wrongType(String key, GgufValue v, String expected) {
        String actual = v.type() == GgufValueType.ARRAY ? "ARRAY of " + v.elementType() : v.type().toString();
        return new GgufFormatException(path + ": metadata '" + key + "' is " + actual + ", expected " + expected);
    }

    /** Bounds-checked little-endian reads over the mapping. */
    private static final class Cursor {
        final Path path;
        final MemorySegment seg;
        long pos;

        Cursor(Path path, MemorySegment seg) {
            this.path = path;
            this.seg = seg;
        }

        long remaining() {
            return seg.byteSize() - pos;
        }

        GgufFormatException error(long at, String message) {
            return new GgufFormatException(path + (at >= 0 ? " at offset " + at : "") + ": " + message);
        }

        private void need(long n, String what) throws GgufFormatException {
            if (n < 0 || n > remaining()) {
                throw error(pos, "truncated while reading " + what + " (needs " + Long.toUnsignedString(n)
                        + " bytes, " + remaining() + " left in a file of " + seg.byteSize() + ")");
            }
        }

        int i32(String what) throws GgufFormatException {
            need(4, what);
            int v = seg.get(U32, pos);
            pos += 4;
            return v;
        }

        long i64(String what) throws GgufFormatException {
            need(8, what);
            long v = seg.get(U64, pos);
            pos += 8;
            return v;
        }

        String string(String what) throws GgufFormatException {
            return string(what, null, -1);
        }

        /**
         * Reads a string described by {@code what}, or, when that is null, the value of {@code key} (element
         * {@code index} of it when that is {@code >= 0}). A value's description is built only for an error message:
         * a vocabulary has 150K strings, and building one per string took half the time to open a model.
         */
        private String string(String what, String key, long index) throws GgufFormatException {
            long at = pos;
            if (remaining() < 8) need(8, "length of " + (what != null ? what : valueOf(key, index)));
            long len = seg.get(U64, pos);
            pos += 8;
            if (len < 0 || len > remaining() || len > Integer.MAX_VALUE - 8) {
                throw error(at, "length " + Long.toUnsignedString(len) + " of " + (what != null ? what : valueOf(key, index))
                        + " exceeds the " + remaining() + " bytes left");
            }
            byte[] bytes = new byte[(int) len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, bytes, 0, (int) len);
            pos += len;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        GgufValue value(GgufValueType type, String key, int depth) throws GgufFormatException {
            if (type != GgufValueType.ARRAY) return new GgufValue(type, null, scalar(type, key, -1));
            long at = pos;
            int elemId = i32("element type of array '" + key + "'");
            GgufValueType elem = GgufValueType.byId(elemId);
            if (elem == null) throw error(at, "array '" + key + "' has unknown element type " + elemId);
            if (elem == GgufValueType.ARRAY && depth >= MAX_ARRAY_NESTING) {
                throw error(at, "array '" + key + "' nests deeper than " + MAX_ARRAY_NESTING + " levels");
            }
            long count = i64("length of array '" + key + "'");
            long minSize = elem.size > 0 ? elem.size : (elem == GgufValueType.STRING ? 8 : 12);
            if (count < 0 || count > remaining() / minSize) {
                throw error(at, "array '" + key + "' claims " + Long.toUnsignedString(count) + " " + elem
                        + " items but only " + remaining() + " bytes are left");
            }
            var items = new ArrayList<>((int) Math.min(count, 1 << 16));
            for (long i = 0; i < count; i++) {
                items.add(elem == GgufValueType.ARRAY
                        ? value(GgufValueType.ARRAY, key + "[" + i + "]", depth + 1)
                        : scalar(elem, key, i));
            }
            return new GgufValue(GgufValueType.ARRAY, elem, Collections.unmodifiableList(items));
        }

        /** "value of 'key'", or "value of 'key[index]'" for an array element ({@code index >= 0}). */
        private static String valueOf(String key, long index) {
            return "value of '" + key + (index < 0 ? "" : "[" + index + "]") + "'";
        }

        /** Reads a scalar value of {@code key}, or of its element {@code index} when that is {@code >= 0}. */
        Object scalar(GgufValueType type, String key, long index) throws GgufFormatException {
            if (type == GgufValueType.STRING) return string(null, key, index);
            if (type.size > remaining()) need(type.size, valueOf(key, index));
            long p = pos;
            pos += type.size;
            return switch (type) {
                case UINT8 -> (long) (seg.get(ValueLayout.JAVA_BYTE, p) & 0xFF);
                case INT8 -> (long) seg.get(ValueLayout.JAVA_BYTE, p);
                case UINT16 -> (long) (seg.get(U16, p) & 0xFFFF);
                case INT16 -> (long) seg.get(U16, p);
                case UINT32 -> seg.get(U32, p) & 0xFFFF_FFFFL;
                case INT32 -> (long) seg.get(U32, p);
                case UINT64, INT64 -> seg.get(U64, p);
                case FLOAT32 -> Float.intBitsToFloat(seg.get(U32, p));
                case FLOAT64 -> Double.longBitsToDouble(seg.get(U64, p));
                case BOOL -> {
                    byte b = seg.get(ValueLayout.JAVA_BYTE, p);
                    if (b != 0 && b != 1) {
                        throw error(p, "bool " + valueOf(key, index) + " is " + b + ", not 0 or 1");
                    }
                    yield b == 1;
                }
                case STRING, ARRAY -> throw new AssertionError(type);
            };
        }
    }
}
