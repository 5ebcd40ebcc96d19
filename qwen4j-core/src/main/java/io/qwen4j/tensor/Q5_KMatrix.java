package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Q5_K super-blocks of 256 (ggml-common.h block_q5_K): Q4_K's d, dmin and scales, then 32 bytes of fifth bits
 * (bit 2g of byte l for element l of sub-block 2g, bit 2g+1 for sub-block 2g+1), then 128 bytes of nibbles
 * (dequantize_row_q5_K). The kernels are Q4_K's with the fifth bit or-ed in.
 */
final class Q5_KMatrix extends UnpackingMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 176;
    private static final int QH = 16, QS = 48;

    Q5_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES, true);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    void unpack(int r, UnpackedRow u) {
        Q4_KMatrix.unpack(data, r * rowBytes, cols / BLOCK, BLOCK_BYTES, QS, QH, u);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        Q4_KMatrix.dequantizeRow(data, r * rowBytes, cols / BLOCK, BLOCK_BYTES, QS, QH, dst, off);
    }
}
