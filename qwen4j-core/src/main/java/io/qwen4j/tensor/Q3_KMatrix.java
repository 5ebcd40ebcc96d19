package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q3_K super-blocks of 256 (ggml-common.h block_q3_K): 32 bytes of high bits (hmask), 64 bytes of 2-bit low
 * parts, 12 bytes of sixteen 6-bit scales (offset 32), fp16 d; value = d*(scale-32) * (low - (high bit ? 0 : 4)).
 * In each half n of 128 elements, bit pair j of byte l (0..31) is element 32j + l, its high bit is bit 4n+j of
 * hmask[l], its scale index 8n + 2j + l/16 (dequantize_row_q3_K).
 */
final class Q3_KMatrix extends RowMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 110;
    private static final int QS = 32, SCALES = 96, D = 108;

    Q3_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    /** Quants of bit pair j, lanes 16h .. 16h+15 of half n, as signed values -4 .. 3. */
    private ByteVector quants(long blk, int n, int h, int j) {
        ByteVector low = Blocks.bits(Blocks.load(data, blk + QS + 32 * n + 16 * h), 2 * j, 2, 0);
        ByteVector high = Blocks.bits(Blocks.load(data, blk + 16 * h), 4 * n + j, 1, 2);
        return low.or(high).sub((byte) 4);
    }

    /** Scale i (0..15) minus 32: low 4 bits from byte i % 8 (high nibble for i >= 8), top 2 bits from byte 8 + i % 4. */
    private int scale(long blk, int i) {
        int low = Blocks.uint8(data, blk + SCALES + (i & 7)) >>> (i >= 8 ? 4 : 0) & 0xF;
        int high = Blocks.uint8(data, blk + SCALES + 8 + (i & 3)) >>> 2 * (i >>> 2) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            long blk = base + (long) b * BLOCK_BYTES;
            float d = Blocks.half(data, blk + D);
            for (int n = 0; n < 2; n++) {
                for (int j = 0; j < 4; j++) {
                    for (int h = 0; h < 2; h++) {
                        int xi = xOff + b * BLOCK + 128 * n + 32 * j + 16 * h;
                        float dl = d * scale(blk, 8 * n + 2 * j + h);
                        acc = Blocks.dot(quants(blk, n, h, j), x, xi).fma(FloatVector.broadcast(Ops.F, dl), acc);
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
                for (int j = 0; j < 4; j++) {
                    for (int h = 0; h < 2; h++) {
                        float dl = d * scale(blk, 8 * n + 2 * j + h);
                        Blocks.store(quants(blk, n, h, j), dl, dst, off + b * BLOCK + 128 * n + 32 * j + 16 * h);
                    }
                }
            }
        }
    }
}
