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

    @Override
    float dotRow(int r, float[] x, int xOff) {
        var f = Ops.WIDE;
        int lanes = f.length();
        long base = r * rowBytes;
        var acc = FloatVector.zero(f);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Float.float16ToFloat(data.get(F16Matrix.LE, blk));
            int xi = xOff + b * BLOCK;
            var sum = FloatVector.zero(f);
            for (int part = 0; part < BLOCK / lanes; part++) {
                var q = (FloatVector) ByteVector.fromMemorySegment(Ops.WIDE_BYTES, data, blk + 2 + (long) part * lanes, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2F, f, 0);
                sum = q.fma(FloatVector.fromArray(f, x, xi + part * lanes), sum);
            }
            acc = sum.fma(FloatVector.broadcast(f, d), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
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
