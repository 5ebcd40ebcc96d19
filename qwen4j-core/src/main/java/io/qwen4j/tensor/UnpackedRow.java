package io.qwen4j.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A thread's scratch for the decode kernels: a weight row unpacked into int8 quants and one float scale per group
 * of 16 elements (the UnpackingMatrix types), or a chunk of an F16 row as floats. The row is first unpacked with
 * full-width byte vectors (one method, one loop), then dotted with x from L1 (another). Done in one loop, the
 * unpacking ran on 8-byte vectors on AVX2 and the kernel's size made C2 stop inlining (NodeCountInliningCutoff)
 * before the dot product's helpers, which then ran as calls (those helpers are now written out, decision 0016).
 */
final class UnpackedRow {
    final byte[] quants;
    /** Scale of quants[16 g .. 16 g + 16), d already applied. */
    final float[] scales;
    /** With minima (Q2_K, Q4_K, Q5_K, Q4_1, Q5_1): what group g subtracts from each element, dmin applied. */
    final float[] mins;
    /** Two rows' scales per 32-element block, interleaved: Q4_0's pair kernel reads them ahead of its products. */
    final float[] blockScales;
    /** F16Matrix's converted halves, a chunk of the row at a time. */
    final float[] floats = new float[F16Matrix.CHUNK];

    private UnpackedRow(int cols) {
        quants = new byte[cols];
        scales = new float[cols / 16];
        mins = new float[cols / 16];
        blockScales = new float[cols / 16];
    }

    private static final ThreadLocal<UnpackedRow> PER_THREAD = ThreadLocal.withInitial(() -> new UnpackedRow(0));

    /** This thread's buffers, grown to hold a row of {@code cols}. */
    static UnpackedRow of(int cols) {
        UnpackedRow u = PER_THREAD.get();
        if (u.quants.length < cols) {
            u = new UnpackedRow(cols);
            PER_THREAD.set(u);
        }
        return u;
    }

    /** Block {@code b} of 32 elements has one scale: written for both of its groups of 16. */
    void scale32(int b, float scale) {
        scales[2 * b] = scale;
        scales[2 * b + 1] = scale;
    }

    /** As {@link #scale32}, with the block's min. */
    void scale32(int b, float scale, float min) {
        scale32(b, scale);
        mins[2 * b] = min;
        mins[2 * b + 1] = min;
    }

    /**
     * Sum over groups g of scales[g] * (quants[16 g ..] . x[xOff + 16 g ..]) for {@code cols} elements, a multiple
     * of 32 (every unpacking type's block is 32 or 256). Two groups
     * per step into two accumulators, each group's products summed before its scale: one chain of FMAs through
     * every group would make each step wait on the previous one.
     */
    float dot(int cols, float[] x, int xOff) {
        var f = Ops.WIDE;
        var acc0 = FloatVector.zero(f);
        var acc1 = FloatVector.zero(f);
        byte[] q = quants;
        float[] sc = scales;
        var qs = Ops.WIDE_BYTES;
        var b2f = VectorOperators.B2F;
        for (int g = 0, groups = cols / 16; g < groups; g += 2) {
            int o = 16 * g;
            // Each group of 16: one vector on AVX-512, two summed on AVX2. Written out, not in a helper
            // (decision 0016).
            var pa = ((FloatVector) ByteVector.fromArray(qs, q, o).convertShape(b2f, f, 0)).mul(FloatVector.fromArray(f, x, xOff + o));
            var pb = ((FloatVector) ByteVector.fromArray(qs, q, o + 16).convertShape(b2f, f, 0)).mul(FloatVector.fromArray(f, x, xOff + o + 16));
            if (f.length() == 8) {
                pa = ((FloatVector) ByteVector.fromArray(qs, q, o + 8).convertShape(b2f, f, 0)).fma(FloatVector.fromArray(f, x, xOff + o + 8), pa);
                pb = ((FloatVector) ByteVector.fromArray(qs, q, o + 24).convertShape(b2f, f, 0)).fma(FloatVector.fromArray(f, x, xOff + o + 24), pb);
            }
            acc0 = pa.fma(FloatVector.broadcast(f, sc[g]), acc0);
            acc1 = pb.fma(FloatVector.broadcast(f, sc[g + 1]), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * As {@link #dot}, less mins[g] times the sum of the group's x. Q4_K's and Q5_K's groups are of 32, but a
     * 32-element step (four products and four x sums at AVX2) made C2 stop inlining (then helpers) and ran 2x slower,
     * so they write each pair of scale and min for both of its groups of 16.
     */
    float dotWithMins(int cols, float[] x, int xOff) {
        var f = Ops.WIDE;
        var acc0 = FloatVector.zero(f);
        var acc1 = FloatVector.zero(f);
        var min0 = FloatVector.zero(f);
        var min1 = FloatVector.zero(f);
        byte[] q = quants;
        float[] sc = scales;
        float[] mn = mins;
        int lanes = f.length();
        var qs = Ops.WIDE_BYTES;
        var b2f = VectorOperators.B2F;
        // x is loaded once per vector for both sums: parsing every vector operation twice spent C2's node budget
        // (NodeCountInliningCutoff) and left calls in this loop when it is inlined into a larger method.
        for (int g = 0, groups = cols / 16; g < groups; g += 2) {
            int o = 16 * g;
            var xa = FloatVector.fromArray(f, x, xOff + o);
            var xb = FloatVector.fromArray(f, x, xOff + o + 16);
            var pa = ((FloatVector) ByteVector.fromArray(qs, q, o).convertShape(b2f, f, 0)).mul(xa);
            var pb = ((FloatVector) ByteVector.fromArray(qs, q, o + 16).convertShape(b2f, f, 0)).mul(xb);
            if (lanes == 8) {
                var xa1 = FloatVector.fromArray(f, x, xOff + o + 8);
                var xb1 = FloatVector.fromArray(f, x, xOff + o + 24);
                pa = ((FloatVector) ByteVector.fromArray(qs, q, o + 8).convertShape(b2f, f, 0)).fma(xa1, pa);
                pb = ((FloatVector) ByteVector.fromArray(qs, q, o + 24).convertShape(b2f, f, 0)).fma(xb1, pb);
                xa = xa.add(xa1);
                xb = xb.add(xb1);
            }
            acc0 = pa.fma(FloatVector.broadcast(f, sc[g]), acc0);
            acc1 = pb.fma(FloatVector.broadcast(f, sc[g + 1]), acc1);
            min0 = xa.fma(FloatVector.broadcast(f, mn[g]), min0);
            min1 = xb.fma(FloatVector.broadcast(f, mn[g + 1]), min1);
        }
        return acc0.add(acc1).sub(min0.add(min1)).reduceLanes(VectorOperators.ADD);
    }
}
