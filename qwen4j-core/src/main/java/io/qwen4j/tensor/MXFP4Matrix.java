package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * MXFP4 blocks (ggml-common.h block_mxfp4, OCP microscaling): an E8M0 scale byte e, 16 bytes of FP4 (E2M1)
 * nibbles laid out as Q4_0's; value = kvalues_mxfp4[q] * 2^(e-128): the code book holds doubled E2M1 values and
 * the scale is halved to match (dequantize_row_mxfp4, ggml_e8m0_to_fp32_half).
 */
final class MXFP4Matrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 17;
    /** kvalues_mxfp4 (ggml-common.h): E2M1 values times two. */
    private static final ByteVector KVALUES = Blocks.table(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12);

    /** ggml_e8m0_to_fp32_half: 2^(e-128), the two smallest exponents as float subnormals. */
    static float e8m0Half(int e) {
        return Float.intBitsToFloat(e < 2 ? 0x00200000 << e : (e - 1) << 23);
    }

    MXFP4Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.MXFP4;
    }

    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow scratch) {
        MemorySegment data = Blocks.offHeap(this.data);
        var F = Ops.F;
        long base = r * rowBytes;
        var acc = FloatVector.zero(F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 1, ByteOrder.LITTLE_ENDIAN);
            var lo = v.and((byte) 0x0F).selectFrom(KVALUES);
            var hi = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(KVALUES);
            var x0 = FloatVector.fromArray(F, x, xi);
            var x1 = FloatVector.fromArray(F, x, xi + 8);
            var x2 = FloatVector.fromArray(F, x, xi + 16);
            var x3 = FloatVector.fromArray(F, x, xi + 24);
            var qx = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(x0);
            qx = ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).fma(x1, qx);
            qx = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).fma(x2, qx);
            qx = ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).fma(x3, qx);
            acc = qx.fma(FloatVector.broadcast(F, e8m0Half(Blocks.uint8(data, blk))), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment data = Blocks.offHeap(this.data);
        var F = Ops.F;
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int o = off + b * BLOCK;
            var v = ByteVector.fromMemorySegment(Blocks.B, data, blk + 1, ByteOrder.LITTLE_ENDIAN);
            var lo = v.and((byte) 0x0F).selectFrom(KVALUES);
            var hi = v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F).selectFrom(KVALUES);
            var d = FloatVector.broadcast(F, e8m0Half(Blocks.uint8(data, blk)));
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, o);
            ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 1)).mul(d).intoArray(dst, o + 8);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(d).intoArray(dst, o + 16);
            ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 1)).mul(d).intoArray(dst, o + 24);
        }
    }
}
