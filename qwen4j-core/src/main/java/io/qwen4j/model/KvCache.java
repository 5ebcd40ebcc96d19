package io.qwen4j.model;

import java.util.Arrays;

/**
 * The state of one sequence. For attention layers: keys and values in float32. Keys are stored transposed,
 * {@code [kvHead][dim][pos]} with a row stride of {@link #keyStride()} positions, so a query's scores against
 * all positions are a sum of contiguous axpy rows (no horizontal reduction per position). Values are
 * position-major, {@code [pos][kvHead][dim]}. Storage grows with the sequence up to {@link #capacity()} so a
 * large context costs memory only when it is used.
 *
 * <p>For the recurrent layers of hybrid models (Gated DeltaNet): a fixed-size convolution state and recurrent state
 * that summarise the whole prefix. Those cannot be rolled back token by token, so such a cache is only
 * {@link #truncate truncated} to where a {@link #snapshot} was taken, through {@link #restore}.
 */
public final class KvCache {
    /** Floats one recurrent layer keeps: the convolution's carried inputs and the recurrent state. */
    public record RecurrentShape(int convState, int state) {}

    /**
     * The recurrent states at {@link #length()}. Keys and values are not copied: they are append-only, so they stay
     * valid for a restore as long as the cache was not restored to an earlier point in between.
     */
    public record Snapshot(int length, float[][] conv, float[][] state) {}

    private final int capacity;
    private final int kvDim;
    private final int vDim;
    private final boolean[] attention;
    private final float[][] keys;
    private final float[][] values;
    private final float[][] conv;
    private final float[][] state;
    private int allocatedPositions;
    private int length;

    /** A cache of {@code layers} attention layers. */
    public KvCache(int layers, int capacity, int kvDim, int vDim) {
        this(capacity, kvDim, vDim, new RecurrentShape[layers]);
    }

    /** A cache whose layer l is recurrent with {@code recurrent[l]}'s sizes, or an attention layer where that is null. */
    public KvCache(int capacity, int kvDim, int vDim, RecurrentShape[] recurrent) {
        if (capacity <= 0) throw new IllegalArgumentException("context size must be positive, got " + capacity);
        int layers = recurrent.length;
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.vDim = vDim;
        this.attention = new boolean[layers];
        this.keys = new float[layers][];
        this.values = new float[layers][];
        this.conv = new float[layers][];
        this.state = new float[layers][];
        for (int l = 0; l < layers; l++) {
            attention[l] = recurrent[l] == null;
            keys[l] = new float[0];
            values[l] = new float[0];
            if (!attention[l]) {
                conv[l] = new float[recurrent[l].convState()];
                state[l] = new float[recurrent[l].state()];
            }
        }
    }

    /** Maximum number of positions (the runtime context size). */
    public int capacity() {
        return capacity;
    }

    /** Positions filled so far: the next token goes at this position. */
    public int length() {
        return length;
    }

    /** Whether some layer keeps a recurrent state (then only snapshots can take the cache back). */
    public boolean hasRecurrentState() {
        for (boolean a : attention) if (!a) return true;
        return false;
    }

    /** Forgets everything from {@code newLength} on (used to reuse a shared prompt prefix); attention-only caches. */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("cannot truncate a cache of " + length + " positions to " + newLength);
        }
        if (newLength != length && hasRecurrentState()) {
            throw new IllegalStateException("a recurrent state cannot be rolled back to position " + newLength
                    + "; restore a snapshot taken there");
        }
        length = newLength;
    }

    /** Copies the recurrent states at the current length. */
    public Snapshot snapshot() {
        var c = new float[conv.length][];
        var s = new float[state.length][];
        for (int l = 0; l < conv.length; l++) {
            if (conv[l] != null) {
                c[l] = conv[l].clone();
                s[l] = state[l].clone();
            }
        }
        return new Snapshot(length, c, s);
    }

    /** Goes back to a snapshot of this cache taken at or before the current length. */
    public void restore(Snapshot snapshot) {
        if (snapshot.length() > length || snapshot.conv().length != conv.length) {
            throw new IllegalArgumentException("snapshot at " + snapshot.length() + " does not belong to this cache of " + length + " positions");
        }
        for (int l = 0; l < conv.length; l++) {
            if (conv[l] != null) {
                System.arraycopy(snapshot.conv()[l], 0, conv[l], 0, conv[l].length);
                System.arraycopy(snapshot.state()[l], 0, state[l], 0, state[l].length);
            }
        }
        length = snapshot.length();
    }

    /** Empties the cache: length 0 and zero recurrent states. */
    public void reset() {
        for (int l = 0; l < conv.length; l++) {
            if (conv[l] != null) {
                Arrays.fill(conv[l], 0f);
                Arrays.fill(state[l], 0f);
            }
        }
        length = 0;
    }

    /** Makes room for positions up to {@code end} (exclusive); grows geometrically to amortise copying. */
    public void reserve(int end) {
        if (end > capacity) {
            throw new IllegalStateException("context overflow: " + end + " positions needed, context size is " + capacity);
        }
        if (end <= allocatedPositions) return;
        int target = Math.min(capacity, Math.max(end, Math.max(256, allocatedPositions * 2)));
        for (int l = 0; l < keys.length; l++) {
            if (!attention[l]) continue;
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

    /** The convolution's last inputs of recurrent layer {@code layer}, updated in place. */
    public float[] convState(int layer) {
        return conv[layer];
    }

    /** The recurrent state of layer {@code layer}, updated in place. */
    public float[] recurrentState(int layer) {
        return state[layer];
    }

    public int kvDim() {
        return kvDim;
    }

    public int vDim() {
        return vDim;
    }

    /** Bytes currently held. */
    public long allocatedBytes() {
        long bytes = 0;
        for (int l = 0; l < keys.length; l++) {
            bytes += attention[l] ? (long) allocatedPositions * (kvDim + vDim) * Float.BYTES
                    : (long) (conv[l].length + state[l].length) * Float.BYTES;
        }
        return bytes;
    }
}
