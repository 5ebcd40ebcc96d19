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
    private static final int ROW_TILE = 4;
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
                    tile4(w, x, y, b0, b1, r);
                } else {
                    for (int i = 0; i < nr; i++) {
                        for (int b = b0; b < b1; b++) y[b * rows + r + i] = Ops.dot(w, i * cols, x, b * cols, cols);
                    }
                }
            }
        }
    }

    /**
     * Four decoded weight rows times batch rows [b0, b1), two batch rows at a time: eight independent
     * accumulators, so the FMA units are not waiting on one dependency chain and every load is used four or two times.
     */
    private void tile4(float[] w, float[] x, float[] y, int b0, int b1, int r) {
        var F = Ops.F;
        int n = cols;
        int vec = F.loopBound(n);
        int b = b0;
        for (; b + 1 < b1; b += 2) {
            int xa = b * n;
            int xb = xa + n;
            var a0 = FloatVector.zero(F); var a1 = FloatVector.zero(F); var a2 = FloatVector.zero(F); var a3 = FloatVector.zero(F);
            var c0 = FloatVector.zero(F); var c1 = FloatVector.zero(F); var c2 = FloatVector.zero(F); var c3 = FloatVector.zero(F);
            for (int k = 0; k < vec; k += F.length()) {
                var va = FloatVector.fromArray(F, x, xa + k);
                var vb = FloatVector.fromArray(F, x, xb + k);
                var w0 = FloatVector.fromArray(F, w, k);
                var w1 = FloatVector.fromArray(F, w, n + k);
                var w2 = FloatVector.fromArray(F, w, 2 * n + k);
                var w3 = FloatVector.fromArray(F, w, 3 * n + k);
                a0 = w0.fma(va, a0); a1 = w1.fma(va, a1); a2 = w2.fma(va, a2); a3 = w3.fma(va, a3);
                c0 = w0.fma(vb, c0); c1 = w1.fma(vb, c1); c2 = w2.fma(vb, c2); c3 = w3.fma(vb, c3);
            }
            float[] sa = {a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD), a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD)};
            float[] sb = {c0.reduceLanes(VectorOperators.ADD), c1.reduceLanes(VectorOperators.ADD), c2.reduceLanes(VectorOperators.ADD), c3.reduceLanes(VectorOperators.ADD)};
            for (int k = vec; k < n; k++) {
                for (int i = 0; i < 4; i++) {
                    sa[i] += w[i * n + k] * x[xa + k];
                    sb[i] += w[i * n + k] * x[xb + k];
                }
            }
            for (int i = 0; i < 4; i++) {
                y[b * rows + r + i] = sa[i];
                y[(b + 1) * rows + r + i] = sb[i];
            }
        }
        for (; b < b1; b++) {
            for (int i = 0; i < 4; i++) y[b * rows + r + i] = Ops.dot(w, i * n, x, b * n, n);
        }
    }
}
