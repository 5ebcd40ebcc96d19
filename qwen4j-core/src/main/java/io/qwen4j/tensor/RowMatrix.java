package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * What every matrix type shares: the parallel split over rows and the batch strategy. A type supplies a fused
 * dot product of one stored row with a float vector (decode), and a row decoder (prompt processing: the row is
 * decoded once into a per-thread buffer and then multiplied with every batch row).
 */
abstract sealed class RowMatrix permits F32Matrix, F16Matrix, BF16Matrix, Q8_0Matrix, Q4_0Matrix {
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

    private void rowsRange(float[] x, float[] y, int batch, int start, int end) {
        if (batch == 1) {
            for (int r = start; r < end; r++) y[r] = dotRow(r, x, 0);
            return;
        }
        float[] row = ROW.get();
        if (row.length < cols) {
            row = new float[cols];
            ROW.set(row);
        }
        for (int r = start; r < end; r++) {
            dequantizeRow(r, row, 0);
            for (int b = 0; b < batch; b++) y[b * rows + r] = Ops.dot(row, 0, x, b * cols, cols);
        }
    }
}
