package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q2_K super-blocks of 256 (ggml-common.h block_q2_K): 16 bytes of (4-bit scale, 4-bit min) per 16 elements,
 * 64 bytes of 2-bit quants, fp16 d and dmin; value = d*scale * q - dmin*min. In each half n of 128 elements, bit
 * pair j of byte l (0..31) is element 32j + l, scale index 8n + 2j + l/16 (dequantize_row_q2_K).
 */
final class Q2_KMatrix extends RowMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 84;
    private static final int QS = 16, D = 80;

    Q2_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q2_K;
    }

    /** Quants of bit pair j, lanes 16h .. 16h+15 of half n. */
    private ByteVector quants(long blk, int n, int h, int j) {
        return Blocks.bits(Blocks.load(data, blk + QS + 32 * n + 16 * h), 2 * j, 2, 0);
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        var mins = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            float dmin = Blocks.half(data, blk + D + 2);
            for (int n = 0; n < 2; n++) {
                for (int j = 0; j < 4; j++) {
                    for (int h = 0; h < 2; h++) {
                        int sc = Blocks.uint8(data, blk + 8 * n + 2 * j + h);
                        int xi = xOff + b * BLOCK + 128 * n + 32 * j + 16 * h;
                        acc = Blocks.dot(quants(blk, n, h, j), x, xi).fma(FloatVector.broadcast(Ops.F, d * (sc & 0xF)), acc);
                        mins = Blocks.sum(x, xi).fma(FloatVector.broadcast(Ops.F, dmin * (sc >>> 4)), mins);
                    }
                }
            }
        }
        return acc.sub(mins).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            float dmin = Blocks.half(data, blk + D + 2);
            for (int n = 0; n < 2; n++) {
                for (int j = 0; j < 4; j++) {
                    for (int h = 0; h < 2; h++) {
                        int sc = Blocks.uint8(data, blk + 8 * n + 2 * j + h);
                        Blocks.store(quants(blk, n, h, j), d * (sc & 0xF), -(dmin * (sc >>> 4)), dst, off + b * BLOCK + 128 * n + 32 * j + 16 * h);
                    }
                }
            }
        }
    }
}
