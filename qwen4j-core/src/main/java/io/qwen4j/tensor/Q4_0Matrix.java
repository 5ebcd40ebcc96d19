package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** Q4_0 blocks (ggml-common.h block_q4_0): fp16 scale d, 16 bytes of nibbles; element j = (low nibble of byte j) - 8, element j+16 = (high nibble) - 8, times d. */
final class Q4_0Matrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    Q4_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, false);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    /**
     * AVX2: the pair kernel with the row as both of its rows, so a row gets the same bits paired or alone; only a
     * range's odd row goes alone.
     */
    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow u) {
        if (Ops.WIDE.length() == 16) return dotRowWide(r, x, xOff);
        pairProducts(r, r, 1, x, xOff, u.floats, -r, u.blockScales); // into u.floats[0]
        return u.floats[0];
    }

    /**
     * AVX2: both rows in one loop, a block of each per step, without unpacking (decision 0014): the rows lie far apart
     * (RowMatrix pairs the halves of a range), so memory streams them in parallel. Each half of a block's 16 bytes
     * widens (zero-extended) to 8 ints holding elements j (low nibble) and j + 16 (high nibble). The nibbles are
     * multiplied as 0..15 and each block's x sum, times d, is kept apart to subtract 8 times it at the end: fewer
     * operations, which with the scales read ahead keeps the loop within C2's inlining budget
     * (NodeCountInliningCutoff). x is loaded once for both rows.
     */
    @Override
    void dotRows(int ra, int rb, float[] x, int xOff, float[] y, int yOff, UnpackedRow u) {
        if (Ops.WIDE.length() == 16) {
            super.dotRows(ra, rb, x, xOff, y, yOff, u);
            return;
        }
        pairProducts(ra, rb, 1, x, xOff, y, yOff, u.blockScales);
    }

    /** {@link #dotRows} for consecutive pairs in one loop (see {@link RowMatrix#dotRowPairs}). */
    @Override
    void dotRowPairs(int ra, int rb, int pairs, float[] x, int xOff, float[] y, int yOff, UnpackedRow u) {
        if (Ops.WIDE.length() == 16) {
            super.dotRowPairs(ra, rb, pairs, x, xOff, y, yOff, u);
            return;
        }
        pairProducts(ra, rb, pairs, x, xOff, y, yOff, u.blockScales);
    }

    /**
     * {@link #dotRows}' products for the pairs (ra0 + p, rb0 + p), each pair's scales first read into {@code sc} by
     * {@link #blockScales}; a method of its own, compiled on its own.
     */
    private void pairProducts(int ra0, int rb0, int pairs, float[] x, int xOff, float[] y, int yOff, float[] sc) {
        MemorySegment data = Blocks.offHeap(this.data);
        var f = Ops.F;
        var le = ByteOrder.LITTLE_ENDIAN;
        var zx = VectorOperators.ZERO_EXTEND_B2I;
        var i8 = IntVector.SPECIES_256;
        var i2f = VectorOperators.I2F;
        int blocks = cols / BLOCK;
        for (int p = 0; p < pairs; p++) {
            int ra = ra0 + p;
            int rb = rb0 + p;
            blockScales(ra, rb, sc);
            long baseA = ra * rowBytes;
            long baseB = rb * rowBytes;
            var accA = FloatVector.zero(f);
            var accB = accA;
            var offA = accA;
            var offB = accA;
            for (int b = 0; b < blocks; b++) {
                long off = (long) b * BLOCK_BYTES;
                int xi = xOff + b * BLOCK;
                var x0 = FloatVector.fromArray(f, x, xi);
                var x1 = FloatVector.fromArray(f, x, xi + 8);
                var x2 = FloatVector.fromArray(f, x, xi + 16);
                var x3 = FloatVector.fromArray(f, x, xi + 24);
                var xs = x0.add(x1).add(x2.add(x3));
                // Each half of a block's 16 bytes: its low nibbles times one x vector, its high nibbles times another.
                // Written out rather than in a helper taking vectors (decision 0016).
                var va = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, baseA + off + 2, le).convertShape(zx, i8, 0);
                var vb = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, baseA + off + 10, le).convertShape(zx, i8, 0);
                var pA = ((FloatVector) va.and(0x0F).convert(i2f, 0)).mul(x0);
                pA = ((FloatVector) va.lanewise(VectorOperators.LSHR, 4).convert(i2f, 0)).fma(x2, pA);
                pA = ((FloatVector) vb.and(0x0F).convert(i2f, 0)).fma(x1, pA);
                pA = ((FloatVector) vb.lanewise(VectorOperators.LSHR, 4).convert(i2f, 0)).fma(x3, pA);
                var dA = FloatVector.broadcast(f, sc[2 * b]);
                accA = pA.fma(dA, accA);
                offA = xs.fma(dA, offA);
                var vc = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, baseB + off + 2, le).convertShape(zx, i8, 0);
                var vd = (IntVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, baseB + off + 10, le).convertShape(zx, i8, 0);
                var pB = ((FloatVector) vc.and(0x0F).convert(i2f, 0)).mul(x0);
                pB = ((FloatVector) vc.lanewise(VectorOperators.LSHR, 4).convert(i2f, 0)).fma(x2, pB);
                pB = ((FloatVector) vd.and(0x0F).convert(i2f, 0)).fma(x1, pB);
                pB = ((FloatVector) vd.lanewise(VectorOperators.LSHR, 4).convert(i2f, 0)).fma(x3, pB);
                var dB = FloatVector.broadcast(f, sc[2 * b + 1]);
                accB = pB.fma(dB, accB);
                offB = xs.fma(dB, offB);
            }
            y[yOff + ra] = accA.sub(offA.mul(8f)).reduceLanes(VectorOperators.ADD);
            y[yOff + rb] = accB.sub(offB.mul(8f)).reduceLanes(VectorOperators.ADD);
        }
    }

    /**
     * Both rows' block scales as floats, interleaved into {@code sc} (row ra's block b at 2b, rb's at 2b + 1). Read in
     * a loop of their own before the products: inside the product loop, the segment reads' code made C2 stop inlining
     * its helpers (NodeCountInliningCutoff).
     */
    private void blockScales(int ra, int rb, float[] sc) {
        MemorySegment data = Blocks.offHeap(this.data);
        long baseA = ra * rowBytes;
        long baseB = rb * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long off = (long) b * BLOCK_BYTES;
            sc[2 * b] = Blocks.halfOffHeap(data, baseA + off);
            sc[2 * b + 1] = Blocks.halfOffHeap(data, baseB + off);
        }
    }

    /**
     * Byte j of a block's 16 holds elements j (low nibble) and j+16 (high nibble), so one 16-byte vector gives the
     * block's two halves in element order; the scale is written for both groups of 16.
     */
    @Override
    void unpack(int r, UnpackedRow u) {
        MemorySegment data = Blocks.offHeap(this.data);
        byte[] q = u.quants;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16Matrix.LE, blk));
            u.scale32(b, d);
            var packed = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, blk + 2, ByteOrder.LITTLE_ENDIAN);
            packed.and((byte) 0x0F).sub((byte) 8).intoArray(q, b * BLOCK);
            packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8).intoArray(q, b * BLOCK + 16);
        }
    }

    /**
     * With 16-float vectors a block's 16 bytes widen to exactly its low and its high nibbles, so the bit work is
     * already full width and unpacking through memory only adds work (measured 0.77x); so does splitting the
     * accumulator (0.88x): at this width a block is only three FMAs.
     */
    private float dotRowWide(int r, float[] x, int xOff) {
        MemorySegment data = Blocks.offHeap(this.data);
        var f = Ops.WIDE;
        long base = r * rowBytes;
        var acc = FloatVector.zero(f);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16Matrix.LE, blk));
            int xi = xOff + b * BLOCK;
            var packed = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, blk + 2, ByteOrder.LITTLE_ENDIAN);
            var lo = packed.and((byte) 0x0F).sub((byte) 8);
            var hi = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
            var sum = ((FloatVector) lo.convertShape(VectorOperators.B2F, f, 0)).mul(FloatVector.fromArray(f, x, xi));
            sum = ((FloatVector) hi.convertShape(VectorOperators.B2F, f, 0)).fma(FloatVector.fromArray(f, x, xi + 16), sum);
            acc = sum.fma(FloatVector.broadcast(f, d), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment data = Blocks.offHeap(this.data);
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            var d = FloatVector.broadcast(Ops.F, Float.float16ToFloat(data.get(F16Matrix.LE, blk)));
            var packed = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, blk + 2, ByteOrder.LITTLE_ENDIAN);
            var lo = packed.and((byte) 0x0F).sub((byte) 8);
            var hi = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
            int o = off + b * BLOCK;
            ((FloatVector) lo.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(dst, o);
            ((FloatVector) lo.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(d).intoArray(dst, o + 8);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(dst, o + 16);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, Ops.F, 1)).mul(d).intoArray(dst, o + 24);
        }
    }
}
