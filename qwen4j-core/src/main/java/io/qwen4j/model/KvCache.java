package io.qwen4j.model;

import java.util.Arrays;

/**
 * Keys and values of every attention layer for one sequence, kept in float32. Keys are stored transposed,
 * {@code [kvHead][dim][pos]} with a row stride of {@link #keyStride()} positions, so a query's scores against
 * all positions are a sum of contiguous axpy rows (no horizontal reduction per position). Values are
 * position-major, {@code [pos][kvHead][dim]}. Storage grows with the sequence up to {@link #capacity()} so a
 * large context costs memory only when it is used.
 */
public final class KvCache {
    private final int capacity;
    private final int kvDim;
    private final int vDim;
    private final float[][] keys;
    private final float[][] values;
    private int allocatedPositions;
    private int length;

    public KvCache(int layers, int capacity, int kvDim, int vDim) {
        if (capacity <= 0) throw new IllegalArgumentException("context size must be positive, got " + capacity);
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.vDim = vDim;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        Arrays.fill(keys, new float[0]);
        Arrays.fill(values, new float[0]);
    }

    /** Maximum number of positions (the runtime context size). */
    public int capacity() {
        return capacity;
    }

    /** Positions filled so far: the next token goes at this position. */
    public int length() {
        return length;
    }

    /** Forgets everything from {@code newLength} on (used to reuse a shared prompt prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        length = newLength;
    }

    /** Makes room for positions up to {@code end} (exclusive); grows geometrically to amortise copying. */
    public void reserve(int end) {
        if (end > capacity) {
            throw new IllegalStateException("context overflow: " + end + " positions needed, context size is " + capacity);
        }
        if (end <= allocatedPositions) return;
        int target = Math.min(capacity, Math.max(end, Math.max(256, allocatedPositions * 2)));
        for (int l = 0; l < keys.length; l++) {
            float[] grown = new float[target * kvDim];
            for (int row = 0; row < kvDim; row++) {
                System.arraycopy(keys[l], row * allocatedPositions, grown, row * target, length);
            }
            keys[l] = grown;
            values[l] = Arrays.copyOf(values[l], target * vDim);
        }
        allocatedPositions = target;
    }

    public void advance(int n) {
        length += n;
    }

    /** Positions per key row: key (kvHead, dim) of position p is at {@code (kvHead * headDim + dim) * keyStride() + p}. */
    public int keyStride() {
        return allocatedPositions;
    }

    /** Stores one token's keys ({@code k[kOff..kOff+kvDim)}) and values at position {@code pos} (reserved before). */
    public void store(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        float[] dst = keys[layer];
        int stride = allocatedPositions;
        for (int row = 0; row < kvDim; row++) dst[row * stride + pos] = k[kOff + row];
        System.arraycopy(v, vOff, values[layer], pos * vDim, vDim);
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    public int kvDim() {
        return kvDim;
    }

    public int vDim() {
        return vDim;
    }

    /** Bytes currently held. */
    public long allocatedBytes() {
        return (long) allocatedPositions * (kvDim + vDim) * Float.BYTES * keys.length;
    }
}
