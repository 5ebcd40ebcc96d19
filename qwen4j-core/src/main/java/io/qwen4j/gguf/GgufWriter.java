package io.qwen4j.gguf;

import io.qwen4j.tensor.GgmlType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files: metadata in insertion order, then the tensor directory, then the tensors, each at
 * an offset aligned to the file's alignment. Tensor data is streamed, not gathered into one array, and the file
 * appears atomically (written beside the target, then moved over it).
 */
public final class GgufWriter {
    /**
     * A tensor's bytes made when the file is written (in tensor order), so that a large model passes through
     * memory one tensor at a time. The segment may live in {@code arena}, which is closed once it is written.
     */
    @FunctionalInterface
    public interface TensorData {
        MemorySegment produce(Arena arena) throws IOException;
    }

    private record PendingTensor(String name, GgmlType type, long[] shape, long byteSize, TensorData data) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;
    private int version = 3;

    /** Power-of-two alignment of tensor data; recorded as general.alignment unless it is the default 32. */
    public GgufWriter alignment(int a) {
        if (a <= 0 || Integer.bitCount(a) != 1) throw new IllegalArgumentException("alignment must be a power of two, got " + a);
        this.alignment = a;
        if (a != GgufFile.DEFAULT_ALIGNMENT) metadata.put("general.alignment", GgufValue.ofUInt32(a));
        else metadata.remove("general.alignment");
        return this;
    }

    /** Writes an older format version (2 has the same layout as 3); for tests of readers. */
    GgufWriter version(int v) {
        this.version = v;
        return this;
    }

    public GgufWriter put(String key, GgufValue v) {
        metadata.put(key, v);
        return this;
    }

    public GgufWriter putString(String key, String v) {
        return put(key, GgufValue.ofString(v));
    }

    public GgufWriter putUInt32(String key, long v) {
        return put(key, GgufValue.ofUInt32(v));
    }

    public GgufWriter putInt32(String key, int v) {
        return put(key, GgufValue.ofInt32(v));
    }

    public GgufWriter putFloat32(String key, float v) {
        return put(key, GgufValue.ofFloat32(v));
    }

    public GgufWriter putBool(String key, boolean v) {
        return put(key, GgufValue.ofBool(v));
    }

    public GgufWriter putStringArray(String key, List<String> v) {
        return put(key, GgufValue.ofStringArray(v));
    }

    public GgufWriter putInt32Array(String key, int[] v) {
        return put(key, GgufValue.ofInt32Array(v));
    }

    public GgufWriter putFloat32Array(String key, float[] v) {
        return put(key, GgufValue.ofFloat32Array(v));
    }

    public GgufWriter addTensor(String name, GgmlType type, long[] shape, byte[] data) {
        return addTensor(name, type, shape, MemorySegment.ofArray(data));
    }

    /** Adds a tensor; {@code shape} in ggml order (innermost first), {@code data} exactly the encoded bytes. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        long expected = byteSize(name, type, shape);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes given, " + type + " " + java.util.Arrays.toString(shape) + " needs " + expected);
        }
        return add(new PendingTensor(name, type, shape.clone(), expected, arena -> data));
    }

    /** Adds a tensor whose bytes are produced while the file is written; they must be exactly the size its type and shape need. */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorData data) {
        return add(new PendingTensor(name, type, shape.clone(), byteSize(name, type, shape), data));
    }

    private static long byteSize(String name, GgmlType type, long[] shape) {
        if (shape.length > GgufFile.MAX_DIMS) throw new IllegalArgumentException(name + ": at most " + GgufFile.MAX_DIMS + " dimensions");
        long elements = 1;
        for (long d : shape) elements = Math.multiplyExact(elements, d);
        return type.bytesFor(elements);
    }

    private GgufWriter add(PendingTensor tensor) {
        for (PendingTensor t : tensors) if (t.name.equals(tensor.name)) throw new IllegalArgumentException("duplicate tensor " + tensor.name);
        tensors.add(tensor);
        return this;
    }

    public void write(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        // createFile, not createTempFile: the file gets the usual permissions (umask), not owner-only
        Path tmp = Files.createFile(dir.resolve("." + path.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".part"));
        try {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                write(os);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public void write(OutputStream raw) throws IOException {
        var out = new Out(raw);
        out.u32(GgufFile.MAGIC);
        out.u32(version);
        out.u64(tensors.size());
        out.u64(metadata.size());
        for (var e : metadata.entrySet()) {
            out.string(e.getKey());
            out.u32(e.getValue().type().id);
            out.value(e.getValue());
        }
        long offset = 0;
        for (PendingTensor t : tensors) {
            out.string(t.name);
            out.u32(t.shape.length);
            for (long d : t.shape) out.u64(d);
            out.u32(t.type.id);
            out.u64(offset);
            offset = GgufFile.align(offset + t.byteSize, alignment);
        }
        out.pad(alignment);
        for (PendingTensor t : tensors) {
            try (Arena arena = Arena.ofShared()) { // shared: producers may fill it from a thread pool
                MemorySegment data = t.data.produce(arena);
                if (data.byteSize() != t.byteSize) {
                    throw new IllegalStateException(t.name + ": " + data.byteSize() + " bytes produced, " + t.type + " "
                            + java.util.Arrays.toString(t.shape) + " needs " + t.byteSize);
                }
                out.segment(data);
            }
            out.pad(alignment);
        }
        out.flush();
    }

    /** Little-endian primitive output with position tracking for padding. */
    private static final class Out {
        private final OutputStream os;
        private final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private long pos;

        Out(OutputStream os) {
            this.os = os;
        }

        void u8(int v) throws IOException {
            os.write(v);
            pos++;
        }

        void u16(int v) throws IOException {
            bytes(buf.clear().putShort((short) v).array(), 2);
        }

        void u32(long v) throws IOException {
            bytes(buf.clear().putInt((int) v).array(), 4);
        }

        void u64(long v) throws IOException {
            bytes(buf.clear().putLong(v).array(), 8);
        }

        private void bytes(byte[] b, int n) throws IOException {
            os.write(b, 0, n);
            pos += n;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            os.write(b);
            pos += b.length;
        }

        void value(GgufValue v) throws IOException {
            if (v.type() == GgufValueType.ARRAY) {
                List<?> items = (List<?>) v.value();
                u32(v.elementType().id);
                u64(items.size());
                for (Object item : items) {
                    if (v.elementType() == GgufValueType.ARRAY) {
                        value((GgufValue) item);
                    } else {
                        scalar(v.elementType(), item);
                    }
                }
            } else {
                scalar(v.type(), v.value());
            }
        }

        void scalar(GgufValueType type, Object o) throws IOException {
            switch (type) {
                case UINT8, INT8 -> u8((int) (long) (Long) o);
                case UINT16, INT16 -> u16((int) (long) (Long) o);
                case UINT32, INT32 -> u32((Long) o);
                case UINT64, INT64 -> u64((Long) o);
                case FLOAT32 -> u32(Float.floatToRawIntBits((Float) o));
                case FLOAT64 -> u64(Double.doubleToRawLongBits((Double) o));
                case BOOL -> u8((Boolean) o ? 1 : 0);
                case STRING -> string((String) o);
                case ARRAY -> throw new IllegalArgumentException("nested arrays are GgufValues");
            }
        }

        void segment(MemorySegment s) throws IOException {
            byte[] chunk = new byte[(int) Math.min(s.byteSize(), 1 << 20)];
            for (long off = 0; off < s.byteSize(); off += chunk.length) {
                int n = (int) Math.min(chunk.length, s.byteSize() - off);
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, chunk, 0, n);
                os.write(chunk, 0, n);
                pos += n;
            }
        }

        void pad(int alignment) throws IOException {
            while (pos % alignment != 0) u8(0);
        }

        void flush() throws IOException {
            os.flush();
        }
    }
}
