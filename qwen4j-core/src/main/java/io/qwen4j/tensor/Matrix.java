package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * A weight matrix [rows x cols] in ggml layout (ne0 = cols contiguous, ne1 = rows; row r starts at byte
 * {@code r * type.bytesFor(cols)}), read in place from a memory-mapped file. One implementation per quant type,
 * chosen once at load time; each dequantizes its blocks in registers as it reads them.
 */
public sealed interface Matrix permits F32Matrix, F16Matrix, BF16Matrix, Q8_0Matrix, Q4_0Matrix,
        Q4_1Matrix, Q5_0Matrix, Q5_1Matrix, Q2_KMatrix, Q3_KMatrix, Q4_KMatrix, Q5_KMatrix, Q6_KMatrix,
        IQ4_NLMatrix, IQ4_XSMatrix, MXFP4Matrix {

    Set<GgmlType> SUPPORTED = EnumSet.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K,
            GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS, GgmlType.MXFP4);

    GgmlType type();

    int rows();

    int cols();

    /**
     * {@code y[b*rows + r] = sum_c W[r][c] * x[b*cols + c]} for b in [0, batch), r in [0, rows), split over the pool
     * by rows. For batch > 1 each weight row is decoded once and reused for every batch row.
     */
    void matmul(float[] x, float[] y, int batch, Parallel pool);

    /**
     * {@code ms[i].matmul(x, ys[i], batch, pool)} for every i: the products of one input, such as a layer's q, k and v
     * projections. A decode step hands them to the pool as one range of rows, one hand-off and one wait instead of
     * one per matrix (decision 0014); each row's result is the same as through {@link #matmul}.
     */
    static void matmulAll(float[] x, int batch, Parallel pool, Matrix[] ms, float[][] ys) {
        RowMatrix.matmulAll(x, batch, pool, ms, ys);
    }

    /** Dequantizes row r into {@code dst[off .. off+cols)} (embedding lookup). */
    void dequantizeRow(int r, float[] dst, int off);

    static Matrix of(GgmlType type, MemorySegment data, int rows, int cols) {
        if (!SUPPORTED.contains(type)) {
            throw new IllegalArgumentException("tensor type " + type + " is not supported yet (supported: " + SUPPORTED + ")");
        }
        if (cols % type.blockSize != 0) {
            throw new IllegalArgumentException(type + " rows of " + cols + " elements are not a multiple of the block size " + type.blockSize);
        }
        long expected = type.bytesFor((long) rows * cols);
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(type + " [" + rows + " x " + cols + "] needs " + expected + " bytes, got " + data.byteSize());
        }
        if (!data.isNative()) {
            // The kernels read through Blocks.offHeap (decision 0016): weights given on the heap (tests, in-memory
            // models) are copied off it once. A model's weights are a mapped file and stay where they are.
            data = java.lang.foreign.Arena.ofAuto().allocate(data.byteSize(), 64).copyFrom(data);
        }
        return switch (type) {
            case F32 -> new F32Matrix(data, rows, cols);
            case F16 -> new F16Matrix(data, rows, cols);
            case BF16 -> new BF16Matrix(data, rows, cols);
            case Q8_0 -> new Q8_0Matrix(data, rows, cols);
            case Q4_0 -> new Q4_0Matrix(data, rows, cols);
            case Q4_1 -> new Q4_1Matrix(data, rows, cols);
            case Q5_0 -> new Q5_0Matrix(data, rows, cols);
            case Q5_1 -> new Q5_1Matrix(data, rows, cols);
            case Q2_K -> new Q2_KMatrix(data, rows, cols);
            case Q3_K -> new Q3_KMatrix(data, rows, cols);
            case Q4_K -> new Q4_KMatrix(data, rows, cols);
            case Q5_K -> new Q5_KMatrix(data, rows, cols);
            case Q6_K -> new Q6_KMatrix(data, rows, cols);
            case IQ4_NL -> new IQ4_NLMatrix(data, rows, cols);
            case IQ4_XS -> new IQ4_XSMatrix(data, rows, cols);
            case MXFP4 -> new MXFP4Matrix(data, rows, cols);
            default -> throw new AssertionError(type);
        };
    }
}
