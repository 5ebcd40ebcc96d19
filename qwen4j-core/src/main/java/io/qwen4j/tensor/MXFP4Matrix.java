package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * MXFP4 blocks (ggml-common.h block_mxfp4, OCP microscaling): an E8M0 scale byte e, 16 bytes of FP4 (E2M1)
 * nibbles laid out as Q4_0's; value = kvalues_mxfp4[q] * 2^(e-128), the code book holding doubled E2M1 values
 * and the scale halved to match (dequantize_row_mxfp4, ggml_e8m0_to_fp32_half).
 */
final class MXFP4Matrix extends RowMatrix implements Matrix {
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 17;
    private static final ByteVector KVALUES = Blocks.table(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12);

    MXFP4Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.MXFP4;
    }

    /** ggml_e8m0_to_fp32_half: 2^(e-128), with the two smallest exponents as float subnormals. */
    static float e8m0Half(int e) {
        return Float.intBitsToFloat(e < 2 ? 0x00200000 << e : (e - 1) << 23);
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            ByteVector v = Blocks.load(data, blk + 1);
            var qx = Blocks.dot(Blocks.lookup(KVALUES, Blocks.low(v)), x, xi).add(Blocks.dot(Blocks.lookup(KVALUES, Blocks.high(v)), x, xi + 16));
            acc = qx.fma(FloatVector.broadcast(Ops.F, e8m0Half(Blocks.uint8(data, blk))), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = e8m0Half(Blocks.uint8(data, blk));
            ByteVector v = Blocks.load(data, blk + 1);
            Blocks.store(Blocks.lookup(KVALUES, Blocks.low(v)), d, dst, off + b * BLOCK);
            Blocks.store(Blocks.lookup(KVALUES, Blocks.high(v)), d, dst, off + b * BLOCK + 16);
        }
    }
}
