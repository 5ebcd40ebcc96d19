package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K super-blocks of 256 (ggml-common.h block_q6_K): 128 bytes of low nibbles (ql), 64 bytes of 2-bit high
 * parts (qh), 16 int8 scales (one per 16 elements), fp16 d; value = d * scale * (q - 32). In each half n of 128
 * elements, byte l (0..31) of ql, ql+32 and qh yields elements l, l+32, l+64, l+96 (dequantize_row_q6_K).
 */
final class Q6_KMatrix extends RowMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 210;
    private static final int QH = 128, SCALES = 192, D = 208;

    Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /** Quants k (0..3: elements +0, +32, +64, +96) of lanes 16h .. 16h+15 in half n, as signed values q - 32. */
    private ByteVector quants(long blk, int n, int h, int k) {
        ByteVector ql = Blocks.load(data, blk + 64 * n + 32 * (k & 1) + 16 * h);
        ByteVector qh = Blocks.load(data, blk + QH + 32 * n + 16 * h);
        return (k < 2 ? Blocks.low(ql) : Blocks.high(ql)).or(Blocks.bits(qh, 2 * k, 2, 4)).sub((byte) 32);
    }

    /** The int8 scale of quants k, lanes 16h.., half n. */
    private int scale(long blk, int n, int h, int k) {
        return data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, blk + SCALES + 8 * n + h + 2 * k);
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < 4; k++) {
                        int xi = xOff + b * BLOCK + 128 * n + 32 * k + 16 * h;
                        acc = Blocks.dot(quants(blk, n, h, k), x, xi).fma(FloatVector.broadcast(Ops.F, d * scale(blk, n, h, k)), acc);
                    }
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            for (int n = 0; n < 2; n++) {
                for (int h = 0; h < 2; h++) {
                    for (int k = 0; k < 4; k++) {
                        Blocks.store(quants(blk, n, h, k), d * scale(blk, n, h, k), dst, off + b * BLOCK + 128 * n + 32 * k + 16 * h);
                    }
                }
            }
        }
    }
}
