package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Q4_0 blocks (ggml-common.h block_q4_0): fp16 scale d, 16 bytes of nibbles; element j = (low nibble of byte j) - 8, element j+16 = (high nibble) - 8, times d. */
final class Q4_0Matrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    Q4_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    /**
     * Byte j of the 16 holds elements j and j+16, so each chunk of {@code lanes} bytes widens to two float vectors
     * (low nibbles, high nibbles) without a lane shuffle: one chunk on AVX-512 (Ops.WIDE), two otherwise.
     */
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
            for (int part = 0; part < BLOCK / 2 / lanes; part++) {
                var packed = ByteVector.fromMemorySegment(Ops.WIDE_BYTES, data, blk + 2 + (long) part * lanes, ByteOrder.LITTLE_ENDIAN);
                var lo = packed.and((byte) 0x0F).sub((byte) 8);
                var hi = packed.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).sub((byte) 8);
                sum = ((FloatVector) lo.convertShape(VectorOperators.B2F, f, 0)).fma(FloatVector.fromArray(f, x, xi + part * lanes), sum);
                sum = ((FloatVector) hi.convertShape(VectorOperators.B2F, f, 0)).fma(FloatVector.fromArray(f, x, xi + BLOCK / 2 + part * lanes), sum);
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
