package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Q8_0 blocks (ggml-common.h block_q8_0): fp16 scale d, 32 int8 quants; value = d * q. */
final class Q8_0Matrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    /** A lone row (a range's odd one out) runs as a pair with itself: the same arithmetic, so the same bits. */
    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow scratch) {
        dotRows(r, r, x, xOff, scratch.floats, -r, scratch);
        return scratch.floats[0];
    }

    /**
     * Both rows in one loop, a block of each per step: the two rows lie far apart (RowMatrix pairs the halves of a
     * range), so memory streams them in parallel, and their accumulators make two independent chains (decision
     * 0014). A block's 32 products are summed as a tree (four 8-float vectors, or two 16-float ones in a chain)
     * before its scale. Reading the scales ahead in a loop of their own, as Q4_0 does, measured slower here. The
     * block's code is written out twice rather than in a helper: a helper that takes or returns vectors and that C2
     * does not inline boxes them, and whether C2 inlines it depended on the order of compiles (decision 0016).
     */
    @Override
    void dotRows(int ra, int rb, float[] x, int xOff, float[] y, int yOff, UnpackedRow scratch) {
        dotRowPairs(ra, rb, 1, x, xOff, y, yOff, scratch);
    }

    /** {@link #dotRows} for consecutive pairs in one method, so the block loop's set-up is paid once per range. */
    @Override
    void dotRowPairs(int ra0, int rb0, int pairs, float[] x, int xOff, float[] y, int yOff, UnpackedRow scratch) {
        MemorySegment data = Blocks.offHeap(this.data);
        var f = Ops.WIDE;
        var qs = Ops.WIDE_BYTES;
        var b2f = VectorOperators.B2F;
        var le = ByteOrder.LITTLE_ENDIAN;
        int lanes = f.length();
        for (int p = 0; p < pairs; p++) {
            int ra = ra0 + p;
            int rb = rb0 + p;
            long baseA = ra * rowBytes;
            long baseB = rb * rowBytes;
            var accA = FloatVector.zero(f);
            var accB = FloatVector.zero(f);
            for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
                long a = baseA + (long) b * BLOCK_BYTES;
                long c = baseB + (long) b * BLOCK_BYTES;
                int xi = xOff + b * BLOCK;
                var x0 = FloatVector.fromArray(f, x, xi);
                var x1 = FloatVector.fromArray(f, x, xi + lanes);
                var pa = ((FloatVector) ByteVector.fromMemorySegment(qs, data, a + 2, le).convertShape(b2f, f, 0)).mul(x0);
                var pc = ((FloatVector) ByteVector.fromMemorySegment(qs, data, c + 2, le).convertShape(b2f, f, 0)).mul(x0);
                if (lanes == 16) {
                    pa = ((FloatVector) ByteVector.fromMemorySegment(qs, data, a + 18, le).convertShape(b2f, f, 0)).fma(x1, pa);
                    pc = ((FloatVector) ByteVector.fromMemorySegment(qs, data, c + 18, le).convertShape(b2f, f, 0)).fma(x1, pc);
                } else {
                    var x2 = FloatVector.fromArray(f, x, xi + 16);
                    var x3 = FloatVector.fromArray(f, x, xi + 24);
                    var pa1 = ((FloatVector) ByteVector.fromMemorySegment(qs, data, a + 10, le).convertShape(b2f, f, 0)).mul(x1);
                    var pc1 = ((FloatVector) ByteVector.fromMemorySegment(qs, data, c + 10, le).convertShape(b2f, f, 0)).mul(x1);
                    pa = ((FloatVector) ByteVector.fromMemorySegment(qs, data, a + 18, le).convertShape(b2f, f, 0)).fma(x2, pa);
                    pc = ((FloatVector) ByteVector.fromMemorySegment(qs, data, c + 18, le).convertShape(b2f, f, 0)).fma(x2, pc);
                    pa1 = ((FloatVector) ByteVector.fromMemorySegment(qs, data, a + 26, le).convertShape(b2f, f, 0)).fma(x3, pa1);
                    pc1 = ((FloatVector) ByteVector.fromMemorySegment(qs, data, c + 26, le).convertShape(b2f, f, 0)).fma(x3, pc1);
                    pa = pa.add(pa1);
                    pc = pc.add(pc1);
                }
                // The scales through Blocks.HALVES: each a broadcast from memory, nothing on the shuffle port the
                // widening loads keep busy (decision 0017)
                accA = pa.fma(FloatVector.broadcast(f, Blocks.halfOffHeap(data, a)), accA);
                accB = pc.fma(FloatVector.broadcast(f, Blocks.halfOffHeap(data, c)), accB);
            }
            y[yOff + ra] = accA.reduceLanes(VectorOperators.ADD);
            y[yOff + rb] = accB.reduceLanes(VectorOperators.ADD);
        }
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment data = Blocks.offHeap(this.data);
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            var d = FloatVector.broadcast(Ops.F, Float.float16ToFloat(data.get(F16Matrix.LE, blk)));
            for (int part = 0; part < 4; part++) {
                ((FloatVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, blk + 2 + part * 8L, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2F, Ops.F, 0)).mul(d).intoArray(dst, off + b * BLOCK + part * 8);
            }
        }
    }
}
