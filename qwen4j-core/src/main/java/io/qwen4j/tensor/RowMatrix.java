package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * What every matrix type shares: the parallel split over rows and the batch strategy. A type supplies a fused
 * dot product of one stored row with a float vector (decode), and a row decoder (prompt processing: a few rows are
 * decoded into per-thread buffers and multiplied with a packed, transposed tile of batch rows by a register-tiled
 * outer-product kernel).
 */
abstract sealed class RowMatrix permits F32Matrix, F16Matrix, BF16Matrix, Q8_0Matrix, MXFP4Matrix, UnpackingMatrix {
    /** Below this many multiply-adds a matmul runs on the calling thread: the hand-off would cost more. */
    private static final long PARALLEL_THRESHOLD = 1 << 15;

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

    /**
     * Dot product of stored row r with {@code x[xOff .. xOff+cols)}. {@code scratch} is this thread's, for the
     * kernels that unpack a row before its dot product; the decode loop fetches it once per range of rows (a
     * ThreadLocal lookup per row showed in profiles).
     */
    abstract float dotRow(int r, float[] x, int xOff, UnpackedRow scratch);

    public abstract void dequantizeRow(int r, float[] dst, int off);

    public void matmul(float[] x, float[] y, int batch, Parallel pool) {
        if ((long) rows * cols * batch < PARALLEL_THRESHOLD) {
            rowsRange(x, y, batch, 0, rows);
        } else {
            pool.forRange(rows, (start, end) -> rowsRange(x, y, batch, start, end));
        }
    }

    /**
     * Weight rows per tile-kernel call: as many as keep the accumulators, the batch vectors and the broadcasts C2
     * hoists all in registers (AVX2 has 16: 3 rows x 3 vectors; AVX-512 has 32: 6 rows x 2 vectors). Five or six
     * rows x 2 vectors on AVX2 made C2 spill an accumulator inside the loop, which halved the speed. The kernel
     * stays at 256 bits on AVX-512 CPUs too: at 512 bits it measured faster alone but made a whole prompt slower.
     */
    private static final int ROW_TILE = Ops.WIDE.length() >= 16 ? 6 : 3;
    /** Batch columns per tile-kernel call: two vectors for six rows, three for three. */
    private static final int GROUP = (ROW_TILE == 3 ? 3 : 2) * Ops.F.length();
    /**
     * Batch rows packed together, at most (rounded down to whole groups): up to 128, so that each decoded weight
     * row serves many, but few enough that their panel (at most 1 MB) stays in L2 while all the weight rows pass by.
     */
    private static final int BATCH_TILE = 128;
    private static final int PANEL_BYTES = 1 << 20;

    /** Below this many batch rows, decoding each weight row into floats costs more than reading it again. */
    private static final int SMALL_BATCH = 8;

    /** Per-thread buffers of the batched path: decoded weight rows, the packed batch tile, one tile's results. */
    private static final class Scratch {
        final float[][] rows = new float[ROW_TILE][0];
        /** The rows one kernel call reads: rows[i], or the last decoded row again in a short tile. */
        final float[][] tile = new float[ROW_TILE][];
        float[] panel = new float[0];
        final float[] out = new float[ROW_TILE * GROUP];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private void rowsRange(float[] x, float[] y, int batch, int start, int end) {
        if (batch < SMALL_BATCH) {
            UnpackedRow scratch = UnpackedRow.of(cols);
            if (batch > 1 && this instanceof UnpackingMatrix m) { // each row unpacked once for all the batch
                for (int r = start; r < end; r++) {
                    m.unpack(r, scratch);
                    for (int b = 0; b < batch; b++) y[b * rows + r] = m.dotUnpacked(scratch, x, b * cols);
                }
                return;
            }
            for (int r = start; r < end; r++) {
                for (int b = 0; b < batch; b++) y[b * rows + r] = dotRow(r, x, b * cols, scratch);
            }
            return;
        }
        batchRows(x, y, batch, start, end);
    }

    /**
     * The batched path of rowsRange, a method apart: C2 inlines the decode kernels into rowsRange, and with this
     * code in the same compilation its node budget ran out before the kernels' own helpers were inlined.
     */
    private void batchRows(float[] x, float[] y, int batch, int start, int end) {
        Scratch s = SCRATCH.get();
        int n = cols;
        if (s.rows[0].length < n) {
            for (int i = 0; i < ROW_TILE; i++) s.rows[i] = new float[n];
        }
        int batchTile = Math.max(GROUP, Math.min(BATCH_TILE, PANEL_BYTES / (Float.BYTES * n)) / GROUP * GROUP);
        if (s.panel.length < batchTile * n) s.panel = new float[batchTile * n];
        float[][] w = s.tile;
        float[] panel = s.panel;
        float[] out = s.out;
        // Each weight row is decoded once per batch tile and then multiplied with every batch row of the tile.
        for (int b0 = 0; b0 < batch; b0 += batchTile) {
            int b1 = Math.min(batch, b0 + batchTile);
            int groups = (b1 - b0 + GROUP - 1) / GROUP;
            packBatch(x, b0, b1, panel, groups);
            for (int r = start; r < end; r += ROW_TILE) {
                int nr = Math.min(ROW_TILE, end - r);
                for (int i = 0; i < nr; i++) dequantizeRow(r + i, s.rows[i], 0);
                for (int i = 0; i < ROW_TILE; i++) w[i] = s.rows[Math.min(i, nr - 1)]; // its results are dropped
                for (int g = 0; g < groups; g++) {
                    if (ROW_TILE == 6) {
                        tile6(w[0], w[1], w[2], w[3], w[4], w[5], panel, g * n * GROUP, out);
                    } else {
                        tile3(w[0], w[1], w[2], panel, g * n * GROUP, out);
                    }
                    int nb = Math.min(GROUP, b1 - b0 - g * GROUP);
                    for (int j = 0; j < nb; j++) {
                        int yo = (b0 + g * GROUP + j) * rows + r;
                        for (int i = 0; i < nr; i++) y[yo + i] = out[i * GROUP + j];
                    }
                }
            }
        }
    }

    /**
     * Batch rows [b0, b1) of x in groups of GROUP columns: panel[(g * cols + k) * GROUP + j] = x[b0 + g * GROUP + j][k],
     * zero past b1. Each group is contiguous, so the tile kernel reads it with a constant stride. The copy goes by
     * blocks of 16 columns, so that its writes stay within a few cache lines per column at a time.
     */
    private void packBatch(float[] x, int b0, int b1, float[] panel, int groups) {
        int n = cols;
        for (int g = 0; g < groups; g++) {
            int base = g * n * GROUP;
            for (int k0 = 0; k0 < n; k0 += 16) {
                int k1 = Math.min(n, k0 + 16);
                for (int j = 0; j < GROUP; j++) {
                    int b = b0 + g * GROUP + j;
                    if (b < b1) {
                        for (int k = k0, xo = b * n; k < k1; k++) panel[base + k * GROUP + j] = x[xo + k];
                    } else {
                        for (int k = k0; k < k1; k++) panel[base + k * GROUP + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Six decoded weight rows times one packed group of batch columns (outer products: for each k, each row's weight
     * is broadcast and multiplied with two vectors of batch values). Every accumulator is a whole dot product, so no
     * lane sums are needed; out[i * GROUP + j] receives row i, batch column j.
     */
    private void tile6(float[] w0, float[] w1, float[] w2, float[] w3, float[] w4, float[] w5, float[] panel, int base,
            float[] out) {
        var F = Ops.F;
        int lanes = F.length();
        int n = cols;
        var a0 = FloatVector.zero(F); var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0;
        var c0 = a0; var c1 = a0; var c2 = a0; var c3 = a0; var c4 = a0; var c5 = a0;
        for (int k = 0; k < n; k++) {
            int xo = base + k * GROUP;
            var va = FloatVector.fromArray(F, panel, xo);
            var vb = FloatVector.fromArray(F, panel, xo + lanes);
            var v = FloatVector.broadcast(F, w0[k]);
            a0 = va.fma(v, a0); c0 = vb.fma(v, c0);
            v = FloatVector.broadcast(F, w1[k]);
            a1 = va.fma(v, a1); c1 = vb.fma(v, c1);
            v = FloatVector.broadcast(F, w2[k]);
            a2 = va.fma(v, a2); c2 = vb.fma(v, c2);
            v = FloatVector.broadcast(F, w3[k]);
            a3 = va.fma(v, a3); c3 = vb.fma(v, c3);
            v = FloatVector.broadcast(F, w4[k]);
            a4 = va.fma(v, a4); c4 = vb.fma(v, c4);
            v = FloatVector.broadcast(F, w5[k]);
            a5 = va.fma(v, a5); c5 = vb.fma(v, c5);
        }
        a0.intoArray(out, 0); c0.intoArray(out, lanes);
        a1.intoArray(out, GROUP); c1.intoArray(out, GROUP + lanes);
        a2.intoArray(out, 2 * GROUP); c2.intoArray(out, 2 * GROUP + lanes);
        a3.intoArray(out, 3 * GROUP); c3.intoArray(out, 3 * GROUP + lanes);
        a4.intoArray(out, 4 * GROUP); c4.intoArray(out, 4 * GROUP + lanes);
        a5.intoArray(out, 5 * GROUP); c5.intoArray(out, 5 * GROUP + lanes);
    }

    /**
     * {@link #tile6} for AVX2's 16 registers: three rows times three vectors of batch values, nine accumulators.
     * Nine independent FMA chains keep both FMA units busy through the 4-cycle latency, which the eight of a
     * four-row, two-vector tile could not quite do (about 7% slower end to end).
     */
    private void tile3(float[] w0, float[] w1, float[] w2, float[] panel, int base, float[] out) {
        var F = Ops.F;
        int lanes = F.length();
        int n = cols;
        var a0 = FloatVector.zero(F); var a1 = a0; var a2 = a0;
        var c0 = a0; var c1 = a0; var c2 = a0;
        var e0 = a0; var e1 = a0; var e2 = a0;
        for (int k = 0; k < n; k++) {
            int xo = base + k * GROUP;
            var va = FloatVector.fromArray(F, panel, xo);
            var vb = FloatVector.fromArray(F, panel, xo + lanes);
            var vc = FloatVector.fromArray(F, panel, xo + 2 * lanes);
            var v = FloatVector.broadcast(F, w0[k]);
            a0 = va.fma(v, a0); c0 = vb.fma(v, c0); e0 = vc.fma(v, e0);
            v = FloatVector.broadcast(F, w1[k]);
            a1 = va.fma(v, a1); c1 = vb.fma(v, c1); e1 = vc.fma(v, e1);
            v = FloatVector.broadcast(F, w2[k]);
            a2 = va.fma(v, a2); c2 = vb.fma(v, c2); e2 = vc.fma(v, e2);
        }
        a0.intoArray(out, 0); c0.intoArray(out, lanes); e0.intoArray(out, 2 * lanes);
        a1.intoArray(out, GROUP); c1.intoArray(out, GROUP + lanes); e1.intoArray(out, GROUP + 2 * lanes);
        a2.intoArray(out, 2 * GROUP); c2.intoArray(out, 2 * GROUP + lanes); e2.intoArray(out, 2 * GROUP + 2 * lanes);
    }
}
