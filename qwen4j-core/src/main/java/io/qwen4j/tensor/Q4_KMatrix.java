package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_K super-blocks of 256 (ggml-common.h block_q4_K): fp16 d and dmin, 12 bytes of eight 6-bit (scale, min)
 * pairs, 128 bytes of nibbles. Sub-block s (32 elements) is {@code d*scale_s * q - dmin*min_s}; the 64 elements of
 * group g come from bytes 32g .. 32g+31, low nibbles first (dequantize_row_q4_K). Q5_K is the same with a fifth
 * bit per quant, so both share the super-block kernels here.
 */
final class Q4_KMatrix extends RowMatrix implements Matrix {
    static final int BLOCK = 256;
    static final int BLOCK_BYTES = 144;
    /** Offsets inside a Q4_K block; Q5_K puts its 32 bytes of fifth bits in between scales and nibbles. */
    static final int SCALES = 4, QS = 16;

    Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols / BLOCK * BLOCK_BYTES);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            acc = acc.add(dot(data, base + (long) b * BLOCK_BYTES, QS, -1, x, xOff + b * BLOCK));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        for (int b = 0, blocks = cols / BLOCK; b < blocks; b++) {
            dequantize(data, base + (long) b * BLOCK_BYTES, QS, -1, dst, off + b * BLOCK);
        }
    }

    /** The quants of sub-blocks 2g (low nibbles) or 2g+1 (high nibbles), lanes 16h .. 16h+15, with the fifth bit if qh >= 0. */
    private static ByteVector quants(MemorySegment data, long blk, int qs, int qh, int g, int h, boolean high) {
        ByteVector v = Blocks.load(data, blk + qs + 32 * g + 16 * h);
        ByteVector q = high ? Blocks.high(v) : Blocks.low(v);
        if (qh < 0) return q;
        return q.or(Blocks.bits(Blocks.load(data, blk + qh + 16 * h), 2 * g + (high ? 1 : 0), 1, 4));
    }

    /**
     * One super-block dotted with {@code x[xi .. xi+256)} as a vector of partial sums: the scaled quant products and
     * the mins times the sums of x are accumulated apart and subtracted once.
     */
    static FloatVector dot(MemorySegment data, long blk, int qs, int qh, float[] x, int xi) {
        float d = Blocks.half(data, blk);
        float dmin = Blocks.half(data, blk + 2);
        int q0 = Blocks.int32(data, blk + SCALES), q4 = Blocks.int32(data, blk + SCALES + 4), q8 = Blocks.int32(data, blk + SCALES + 8);
        var acc = FloatVector.zero(Ops.F);
        var mins = FloatVector.zero(Ops.F);
        for (int g = 0; g < 4; g++) {
            int lo = Blocks.scaleMinK4(q0, q4, q8, 2 * g);
            int hi = Blocks.scaleMinK4(q0, q4, q8, 2 * g + 1);
            var dLo = FloatVector.broadcast(Ops.F, d * (lo & 0xFF));
            var dHi = FloatVector.broadcast(Ops.F, d * (hi & 0xFF));
            int xg = xi + 64 * g;
            for (int h = 0; h < 2; h++) {
                acc = Blocks.dot(quants(data, blk, qs, qh, g, h, false), x, xg + 16 * h).fma(dLo, acc);
                acc = Blocks.dot(quants(data, blk, qs, qh, g, h, true), x, xg + 32 + 16 * h).fma(dHi, acc);
            }
            var sumLo = Blocks.sum(x, xg).add(Blocks.sum(x, xg + 16));
            var sumHi = Blocks.sum(x, xg + 32).add(Blocks.sum(x, xg + 48));
            mins = sumLo.fma(FloatVector.broadcast(Ops.F, dmin * (lo >>> 8)), mins);
            mins = sumHi.fma(FloatVector.broadcast(Ops.F, dmin * (hi >>> 8)), mins);
        }
        return acc.sub(mins);
    }

    static void dequantize(MemorySegment data, long blk, int qs, int qh, float[] dst, int off) {
        float d = Blocks.half(data, blk);
        float dmin = Blocks.half(data, blk + 2);
        int q0 = Blocks.int32(data, blk + SCALES), q4 = Blocks.int32(data, blk + SCALES + 4), q8 = Blocks.int32(data, blk + SCALES + 8);
        for (int g = 0; g < 4; g++) {
            int lo = Blocks.scaleMinK4(q0, q4, q8, 2 * g);
            int hi = Blocks.scaleMinK4(q0, q4, q8, 2 * g + 1);
            int o = off + 64 * g;
            for (int h = 0; h < 2; h++) {
                Blocks.store(quants(data, blk, qs, qh, g, h, false), d * (lo & 0xFF), -(dmin * (lo >>> 8)), dst, o + 16 * h);
                Blocks.store(quants(data, blk, qs, qh, g, h, true), d * (hi & 0xFF), -(dmin * (hi >>> 8)), dst, o + 32 + 16 * h);
            }
        }
    }
}
