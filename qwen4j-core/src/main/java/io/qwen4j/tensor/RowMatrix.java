package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * What every matrix type shares: the parallel split over rows and the batch strategy. A type supplies a fused
 * dot product of one stored row with a float vector (decode), and a row decoder (prompt processing: the row is
 * decoded once into a per-thread buffer and then multiplied with every batch row).
 */
abstract sealed class RowMatrix permits F32Matrix, F16Matrix, BF16Matrix, Q8_0Matrix, Q4_0Matrix,
        Q4_1Matrix, Q5_0Matrix, Q5_1Matrix, Q2_KMatrix, Q3_KMatrix, Q4_KMatrix, Q5_KMatrix, Q6_KMatrix,
        IQ4_NLMatrix, IQ4_XSMatrix, MXFP4Matrix {
    /** Below this many multiply-adds a matmul runs on the calling thread: the hand-off would cost more. */
    private static final long PARALLEL_THRESHOLD = 1 << 15;
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    final MemorySegment data;
    final int rows;
    final int cols;
    final long rowBytes;

    RowMatrix(MemorySegment data, int rows, int cols, long rowBytes) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = rowBytes;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Dot product of stored row r with {@code x[xOff .. xOff+cols)}. */
    abstract float dotRow(int r, float[] x, int xOff);

    public abstract void dequantizeRow(int r, float[] dst, int off);

    public void matmul(float[] x, float[] y, int batch, Parallel pool) {
        if ((long) rows * cols * batch < PARALLEL_THRESHOLD) {
            rowsRange(x, y, batch, 0, rows);
        } else {
            pool.forRange(rows, (start, end) -> rowsRange(x, y, batch, start, end));
        }
    }

    /** Weight rows decoded together and batch rows kept hot in cache while they are reused (prompt processing). */
    private static final int ROW_TILE = 6;
    private static final int BATCH_TILE = 64;

    /** Below this many batch rows, decoding each weight row into floats costs more than reading it again. */
    private static final int SMALL_BATCH = 8;

    private void rowsRange(float[] x, float[] y, int batch, int start, int end) {
        if (batch < SMALL_BATCH) {
            for (int r = start; r < end; r++) {
                for (int b = 0; b < batch; b++) y[b * rows + r] = dotRow(r, x, b * cols);
            }
            return;
        }
        float[] w = ROW.get();
        if (w.length < ROW_TILE * cols) {
            w = new float[ROW_TILE * cols];
            ROW.set(w);
        }
        // Each weight row is decoded once per batch tile and then multiplied with every row of the tile.
        for (int b0 = 0; b0 < batch; b0 += BATCH_TILE) {
            int b1 = Math.min(batch, b0 + BATCH_TILE);
            for (int r = start; r < end; r += ROW_TILE) {
                int nr = Math.min(ROW_TILE, end - r);
                for (int i = 0; i < nr; i++) dequantizeRow(r + i, w, i * cols);
                if (nr == ROW_TILE) {
                    tile6(w, x, y, b0, b1, r);
                } else {
                    for (int i = 0; i < nr; i++) {
                        for (int b = b0; b < b1; b++) y[b * rows + r + i] = Ops.dot(w, i * cols, x, b * cols, cols);
                    }
                }
            }
        }
    }

    /**
     * Six decoded weight rows times batch rows [b0, b1), two batch rows at a time: twelve independent accumulators
     * plus the two batch vectors and one weight vector fill 15 of AVX2's 16 vector registers, and each step is
     * 8 loads for 12 FMAs (a 4x2 tile is 6 loads for 8), so the loads and the loop overhead weigh less per FMA.
     */
    private void tile6(float[] w, float[] x, float[] y, int b0, int b1, int r) {
        var F = Ops.F;
        int n = cols;
        int vec = F.loopBound(n);
        int b = b0;
        for (; b + 1 < b1; b += 2) {
            int xa = b * n;
            int xb = xa + n;
            var a0 = FloatVector.zero(F); var a1 = FloatVector.zero(F); var a2 = FloatVector.zero(F);
            var a3 = FloatVector.zero(F); var a4 = FloatVector.zero(F); var a5 = FloatVector.zero(F);
            var c0 = FloatVector.zero(F); var c1 = FloatVector.zero(F); var c2 = FloatVector.zero(F);
            var c3 = FloatVector.zero(F); var c4 = FloatVector.zero(F); var c5 = FloatVector.zero(F);
            for (int k = 0; k < vec; k += F.length()) {
                var va = FloatVector.fromArray(F, x, xa + k);
                var vb = FloatVector.fromArray(F, x, xb + k);
                var v = FloatVector.fromArray(F, w, k);
                a0 = v.fma(va, a0); c0 = v.fma(vb, c0);
                v = FloatVector.fromArray(F, w, n + k);
                a1 = v.fma(va, a1); c1 = v.fma(vb, c1);
                v = FloatVector.fromArray(F, w, 2 * n + k);
                a2 = v.fma(va, a2); c2 = v.fma(vb, c2);
                v = FloatVector.fromArray(F, w, 3 * n + k);
                a3 = v.fma(va, a3); c3 = v.fma(vb, c3);
                v = FloatVector.fromArray(F, w, 4 * n + k);
                a4 = v.fma(va, a4); c4 = v.fma(vb, c4);
                v = FloatVector.fromArray(F, w, 5 * n + k);
                a5 = v.fma(va, a5); c5 = v.fma(vb, c5);
            }
            int ya = b * rows + r;
            int yb = ya + rows;
            sums(y, ya, a0, a1, a2, a3, a4, a5);
            sums(y, yb, c0, c1, c2, c3, c4, c5);
            for (int k = vec; k < n; k++) {
                for (int i = 0; i < ROW_TILE; i++) {
                    y[ya + i] += w[i * n + k] * x[xa + k];
                    y[yb + i] += w[i * n + k] * x[xb + k];
                }
            }
        }
        for (; b < b1; b++) {
            for (int i = 0; i < ROW_TILE; i++) y[b * rows + r + i] = Ops.dot(w, i * n, x, b * n, n);
        }
    }

    /** The lane sums of six accumulators into y[off .. off+6). */
    private static void sums(float[] y, int off, FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3, FloatVector s4, FloatVector s5) {
        y[off] = s0.reduceLanes(VectorOperators.ADD);
        y[off + 1] = s1.reduceLanes(VectorOperators.ADD);
        y[off + 2] = s2.reduceLanes(VectorOperators.ADD);
        y[off + 3] = s3.reduceLanes(VectorOperators.ADD);
        y[off + 4] = s4.reduceLanes(VectorOperators.ADD);
        y[off + 5] = s5.reduceLanes(VectorOperators.ADD);
    }
}
