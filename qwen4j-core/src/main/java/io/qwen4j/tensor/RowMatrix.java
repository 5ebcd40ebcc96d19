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
        boolean parallel = (long) rows * cols * batch >= PARALLEL_THRESHOLD;
        if (batch >= SMALL_BATCH) {
            boolean narrow = narrowPays(batch);
            int rowTile = narrow ? NARROW_ROW_TILE : ROW_TILE;
            int group = narrow ? NARROW_GROUP : GROUP;
            // The batch is packed once for all threads: packed per range of rows, a down projection's 3072-column
            // rows made each of the eight ranges copy the whole batch again, and two threads ran it 1.15x one.
            float[] panel = packBatch(x, batch, group, parallel ? pool : Parallel.CALLER);
            if (parallel) {
                pool.forRange(rows, (start, end) -> batchRows(panel, y, batch, start, end, rowTile, group));
            } else {
                batchRows(panel, y, batch, 0, rows, rowTile, group);
            }
        } else if (parallel) {
            pool.forRange(rows, decodeGrain(rowBytes), (start, end) -> rowsRange(x, y, batch, start, end));
        } else {
            rowsRange(x, y, batch, 0, rows);
        }
    }

    /** {@link Matrix#matmulAll}: decode products over the matrices' rows laid end to end, one range for the pool. */
    static void matmulAll(float[] x, int batch, Parallel pool, Matrix[] ms, float[][] ys) {
        long work = 0;
        int total = 0;
        long widest = 0;
        for (Matrix m : ms) {
            work += (long) m.rows() * m.cols() * batch;
            total += m.rows();
            widest = Math.max(widest, ((RowMatrix) m).rowBytes);
        }
        if (batch >= SMALL_BATCH || work < PARALLEL_THRESHOLD || pool.threads() == 1) {
            for (int i = 0; i < ms.length; i++) ms[i].matmul(x, ys[i], batch, pool);
            return;
        }
        pool.forRange(total, decodeGrain(widest), (start, end) -> {
            int first = 0;
            for (int i = 0; i < ms.length; i++) {
                var m = (RowMatrix) ms[i];
                int lo = Math.max(start, first);
                int hi = Math.min(end, first + m.rows);
                if (lo < hi) m.rowsRange(x, ys[i], batch, lo - first, hi - first);
                first += m.rows;
            }
        });
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

    /**
     * Columns per tile-kernel call: one group's slice of the panel (256 x 24 floats, 24 KB) stays in L1 while every
     * row tile of a row block passes over it, where the whole row read the group's panel from L2 for each row tile.
     */
    private static final int K_CHUNK = 256;
    /**
     * AVX2's tiling for short batches: 4 rows x 2 vectors (16 batch columns), ~5% slower per multiply-add than 3 x 3.
     * A batch is padded to whole groups, so a 10-token prompt makes 24 columns of work in 3 x 3's groups and 16 in
     * these: pp10 and pp16 +25-40%, pp30 +15-35% (alternated runs, decision 0013).
     */
    private static final int NARROW_ROW_TILE = 4;
    private static final int NARROW_GROUP = 2 * Ops.F.length();

    /**
     * Whether the narrow groups pad the batch to at most 3/4 of the columns the wide ones do (8-16 and 25-32 rows).
     * At 64 rows (64 against 72 columns) one thread gained 7% and two threads measured anywhere from -25% to even.
     */
    private static boolean narrowPays(int batch) {
        if (ROW_TILE != 3) return false; // 512-bit hosts already tile 6 x 16
        int wide = (batch + GROUP - 1) / GROUP * GROUP;
        int narrow = (batch + NARROW_GROUP - 1) / NARROW_GROUP * NARROW_GROUP;
        return narrow * 4 <= wide * 3;
    }

    /** Weight rows decoded together: up to 8 tiles, at most 256 KB of floats (they stay in L2). */
    private static final int ROW_BLOCK_TILES = 8;
    private static final int ROW_BLOCK_BYTES = 256 << 10;

    /** Below this many batch rows, decoding each weight row into floats costs more than reading it again. */
    private static final int SMALL_BATCH = 8;

    /** Per-thread buffers of the batched path: a block of decoded weight rows and their sums. */
    private static final class Scratch {
        float[][] rows = new float[0][0];
        float[] sums = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** The calling thread's packed batch, which its pool's threads read during one matmul. */
    private static final ThreadLocal<float[]> PANEL = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Row pairs per decode kernel call: enough to pay the kernel's set-up rarely, few enough that a call returns
     * soon (the output projection's ranges hold thousands of pairs) and so picks up compiled code as soon as the JIT
     * has it. Longer calls also count less toward the JIT's thresholds, which are counted in calls; the launcher
     * lowers them for these kernels (decision 0017).
     */
    private static final int PAIRS_PER_CALL = 32;

    /**
     * Weight bytes in the smallest chunk of decode rows the pool hands out (a few microseconds of a thread's time),
     * so that a large product ends with small chunks: against 32 equal chunks, 1.03-1.05x decode on the 0.6B and
     * MoE shapes (alternated in one JVM, decision 0014). 8 KB and 128 KB measured the same.
     */
    private static final int GRAIN_BYTES = 32 << 10;

    private static int decodeGrain(long rowBytes) {
        return (int) Math.max(1, GRAIN_BYTES / rowBytes);
    }

    /** Rows [start, end) of a batch below SMALL_BATCH: the decode kernels, one row at a time. */
    private void rowsRange(float[] x, float[] y, int batch, int start, int end) {
        UnpackedRow scratch = UnpackedRow.of(cols);
        if (batch > 1 && this instanceof UnpackingMatrix m) { // each row unpacked once for all the batch
            for (int r = start; r < end; r++) {
                m.unpack(r, scratch);
                for (int b = 0; b < batch; b++) y[b * rows + r] = m.dotUnpacked(scratch, x, b * cols);
            }
            return;
        }
        // Row i of the first half goes with row i of the second: two streams through memory, which the hardware
        // prefetchers fetch ahead of the kernel together, where one stream left the kernel waiting on memory.
        int half = (end - start) / 2;
        if (batch == 1) {
            for (int r = start; r < start + half; r += PAIRS_PER_CALL) {
                dotRowPairs(r, r + half, Math.min(PAIRS_PER_CALL, start + half - r), x, 0, y, 0, scratch);
            }
        } else {
            for (int r = start; r < start + half; r++) {
                for (int b = 0; b < batch; b++) dotRows(r, r + half, x, b * cols, y, b * rows, scratch);
            }
        }
        if (((end - start) & 1) != 0) {
            for (int b = 0; b < batch; b++) y[b * rows + end - 1] = dotRow(end - 1, x, b * cols, scratch);
        }
    }

    /**
     * Rows {@code ra} and {@code rb} dotted with {@code x[xOff .. xOff+cols)} into {@code y[yOff + ra]} and
     * {@code y[yOff + rb]}, each with the same bits as {@link #dotRow}. A type whose kernel reads both rows in one loop
     * overrides this (decision 0014); here they go one after the other.
     */
    void dotRows(int ra, int rb, float[] x, int xOff, float[] y, int yOff, UnpackedRow scratch) {
        y[yOff + ra] = dotRow(ra, x, xOff, scratch);
        y[yOff + rb] = dotRow(rb, x, xOff, scratch);
    }

    /**
     * The pairs (ra + i, rb + i) for i in [0, pairs), each as {@link #dotRows}. A kernel that overrides this keeps
     * the loop over the pairs inside its own compiled method: C2 then sets up the block loop (its bounds checks hoisted
     * ahead of it, ~100 instructions) once per range of rows instead of once per pair, which on 512-column rows cost
     * up to a sixth of the time (decision 0017).
     */
    void dotRowPairs(int ra, int rb, int pairs, float[] x, int xOff, float[] y, int yOff, UnpackedRow scratch) {
        for (int i = 0; i < pairs; i++) dotRows(ra + i, rb + i, x, xOff, y, yOff, scratch);
    }


    /**
     * Rows [start, end) of a batch of SMALL_BATCH or more, from the packed batch: blocked like a GEMM. Kept apart
     * from rowsRange: C2 inlines the decode kernels there, and with this code in the same compilation its node
     * budget ran out before the kernels' own helpers were inlined.
     */
    private void batchRows(float[] panel, float[] y, int batch, int start, int end, int rowTile, int group) {
        Scratch s = SCRATCH.get();
        int n = cols;
        int blockRows = rowTile * Math.max(1, Math.min(ROW_BLOCK_TILES, ROW_BLOCK_BYTES / (Float.BYTES * n * rowTile)));
        if (s.rows.length < blockRows || s.rows[0].length < n) s.rows = new float[blockRows][n];
        if (s.sums.length < blockRows * group) s.sums = new float[blockRows * group];
        int batchTile = Math.max(group, Math.min(BATCH_TILE, PANEL_BYTES / (Float.BYTES * n)) / group * group);
        float[][] w = s.rows;
        float[] sums = s.sums;
        // Each weight row is decoded once per batch tile; a block of them then meets every group of the tile, one
        // chunk of columns at a time.
        for (int b0 = 0; b0 < batch; b0 += batchTile) {
            int b1 = Math.min(batch, b0 + batchTile);
            int groups = (b1 - b0 + group - 1) / group;
            for (int r0 = start; r0 < end; r0 += blockRows) {
                int nr = Math.min(blockRows, end - r0);
                for (int i = 0; i < nr; i++) dequantizeRow(r0 + i, w[i], 0);
                int last = nr - 1; // a short last tile repeats this row; its sums are not read
                for (int g = 0; g < groups; g++) {
                    java.util.Arrays.fill(sums, 0, nr * group, 0f);
                    int base = (b0 / group + g) * n * group;
                    for (int k0 = 0; k0 < n; k0 += K_CHUNK) {
                        int k1 = Math.min(n, k0 + K_CHUNK);
                        for (int t = 0; t < nr; t += rowTile) {
                            if (rowTile == 6) {
                                tile6(w[t], w[Math.min(t + 1, last)], w[Math.min(t + 2, last)], w[Math.min(t + 3, last)],
                                        w[Math.min(t + 4, last)], w[Math.min(t + 5, last)], panel, base, k0, k1, sums, t * group);
                            } else if (rowTile == 3) {
                                tile3(w[t], w[Math.min(t + 1, last)], w[Math.min(t + 2, last)], panel, base, k0, k1, sums,
                                        t * group);
                            } else {
                                tile4(w[t], w[Math.min(t + 1, last)], w[Math.min(t + 2, last)], w[Math.min(t + 3, last)],
                                        panel, base, k0, k1, sums, t * group);
                            }
                        }
                    }
                    int nb = Math.min(group, b1 - b0 - g * group);
                    for (int j = 0; j < nb; j++) {
                        int yo = (b0 + g * group + j) * rows + r0;
                        for (int i = 0; i < nr; i++) y[yo + i] = sums[i * group + j];
                    }
                }
            }
        }
    }

    /**
     * The batch in groups of {@code group} columns: panel[(g * cols + k) * group + j] = x[g * group + j][k], zero
     * past the batch. Each group is contiguous, so the tile kernel reads it with a constant stride. Groups are packed
     * in parallel over {@code pool}.
     */
    private float[] packBatch(float[] x, int batch, int group, Parallel pool) {
        int groups = (batch + group - 1) / group;
        float[] panel = PANEL.get();
        if (panel.length < groups * group * cols) {
            panel = new float[groups * group * cols];
            PANEL.set(panel);
        }
        float[] p = panel;
        pool.forRange(groups, (g0, g1) -> packGroups(x, batch, group, p, g0, g1));
        return panel;
    }

    /** Groups [g0, g1) of {@link #packBatch}; the copy goes by blocks of 16 columns, to keep its writes in few lines. */
    private void packGroups(float[] x, int batch, int group, float[] panel, int g0, int g1) {
        int n = cols;
        for (int g = g0; g < g1; g++) {
            int base = g * n * group;
            for (int k0 = 0; k0 < n; k0 += 16) {
                int k1 = Math.min(n, k0 + 16);
                for (int j = 0; j < group; j++) {
                    int b = g * group + j;
                    if (b < batch) {
                        for (int k = k0, xo = b * n; k < k1; k++) panel[base + k * group + j] = x[xo + k];
                    } else {
                        for (int k = k0; k < k1; k++) panel[base + k * group + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Six decoded weight rows times one packed group of batch columns over columns [k0, k1) (outer products: for each
     * k, each row's weight is broadcast and multiplied with two vectors of batch values). Every accumulator is part of
     * one row's dot product with one batch column, so no lane sums are needed; it is added into
     * sums[so + i * GROUP + j] for row i, batch column j.
     */
    private static void tile6(float[] w0, float[] w1, float[] w2, float[] w3, float[] w4, float[] w5, float[] panel,
            int base, int k0, int k1, float[] sums, int so) {
        var F = Ops.F;
        int lanes = F.length();
        var a0 = FloatVector.zero(F); var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0;
        var c0 = a0; var c1 = a0; var c2 = a0; var c3 = a0; var c4 = a0; var c5 = a0;
        for (int k = k0; k < k1; k++) {
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
        // Added into sums here, not through a helper taking a vector: one C2 had compiled on its own first would stay a
        // call and box every vector (decision 0016).
        FloatVector.fromArray(Ops.F, sums, so).add(a0).intoArray(sums, so);
        FloatVector.fromArray(Ops.F, sums, so + lanes).add(c0).intoArray(sums, so + lanes);
        FloatVector.fromArray(Ops.F, sums, so + GROUP).add(a1).intoArray(sums, so + GROUP);
        FloatVector.fromArray(Ops.F, sums, so + GROUP + lanes).add(c1).intoArray(sums, so + GROUP + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 2 * GROUP).add(a2).intoArray(sums, so + 2 * GROUP);
        FloatVector.fromArray(Ops.F, sums, so + 2 * GROUP + lanes).add(c2).intoArray(sums, so + 2 * GROUP + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 3 * GROUP).add(a3).intoArray(sums, so + 3 * GROUP);
        FloatVector.fromArray(Ops.F, sums, so + 3 * GROUP + lanes).add(c3).intoArray(sums, so + 3 * GROUP + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 4 * GROUP).add(a4).intoArray(sums, so + 4 * GROUP);
        FloatVector.fromArray(Ops.F, sums, so + 4 * GROUP + lanes).add(c4).intoArray(sums, so + 4 * GROUP + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 5 * GROUP).add(a5).intoArray(sums, so + 5 * GROUP);
        FloatVector.fromArray(Ops.F, sums, so + 5 * GROUP + lanes).add(c5).intoArray(sums, so + 5 * GROUP + lanes);
    }

    /**
     * {@link #tile6} with four rows: short batches on AVX2, in groups of {@link #NARROW_GROUP} columns. Written out
     * like the other tiles rather than shared with them: C2 keeps accumulators in registers only as named locals, and
     * six rows of them spill on AVX2's 16 registers.
     */
    private static void tile4(float[] w0, float[] w1, float[] w2, float[] w3, float[] panel, int base, int k0, int k1,
            float[] sums, int so) {
        var F = Ops.F;
        int lanes = F.length();
        int group = NARROW_GROUP;
        var a0 = FloatVector.zero(F); var a1 = a0; var a2 = a0; var a3 = a0;
        var c0 = a0; var c1 = a0; var c2 = a0; var c3 = a0;
        for (int k = k0; k < k1; k++) {
            int xo = base + k * group;
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
        }
        FloatVector.fromArray(Ops.F, sums, so).add(a0).intoArray(sums, so);
        FloatVector.fromArray(Ops.F, sums, so + lanes).add(c0).intoArray(sums, so + lanes);
        FloatVector.fromArray(Ops.F, sums, so + group).add(a1).intoArray(sums, so + group);
        FloatVector.fromArray(Ops.F, sums, so + group + lanes).add(c1).intoArray(sums, so + group + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 2 * group).add(a2).intoArray(sums, so + 2 * group);
        FloatVector.fromArray(Ops.F, sums, so + 2 * group + lanes).add(c2).intoArray(sums, so + 2 * group + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 3 * group).add(a3).intoArray(sums, so + 3 * group);
        FloatVector.fromArray(Ops.F, sums, so + 3 * group + lanes).add(c3).intoArray(sums, so + 3 * group + lanes);
    }

    /**
     * {@link #tile6} for AVX2's 16 registers: three rows times three vectors of batch values, nine accumulators.
     * Nine independent FMA chains keep both FMA units busy through the 4-cycle latency, which the eight of a
     * four-row, two-vector tile could not quite do (about 7% slower end to end).
     */
    private static void tile3(float[] w0, float[] w1, float[] w2, float[] panel, int base, int k0, int k1, float[] sums,
            int so) {
        var F = Ops.F;
        int lanes = F.length();
        var a0 = FloatVector.zero(F); var a1 = a0; var a2 = a0;
        var c0 = a0; var c1 = a0; var c2 = a0;
        var e0 = a0; var e1 = a0; var e2 = a0;
        for (int k = k0; k < k1; k++) {
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
        FloatVector.fromArray(Ops.F, sums, so).add(a0).intoArray(sums, so);
        FloatVector.fromArray(Ops.F, sums, so + lanes).add(c0).intoArray(sums, so + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 2 * lanes).add(e0).intoArray(sums, so + 2 * lanes);
        FloatVector.fromArray(Ops.F, sums, so + GROUP).add(a1).intoArray(sums, so + GROUP);
        FloatVector.fromArray(Ops.F, sums, so + GROUP + lanes).add(c1).intoArray(sums, so + GROUP + lanes);
        FloatVector.fromArray(Ops.F, sums, so + GROUP + 2 * lanes).add(e1).intoArray(sums, so + GROUP + 2 * lanes);
        FloatVector.fromArray(Ops.F, sums, so + 2 * GROUP).add(a2).intoArray(sums, so + 2 * GROUP);
        FloatVector.fromArray(Ops.F, sums, so + 2 * GROUP + lanes).add(c2).intoArray(sums, so + 2 * GROUP + lanes);
        FloatVector.fromArray(Ops.F, sums, so + 2 * GROUP + 2 * lanes).add(e2).intoArray(sums, so + 2 * GROUP + 2 * lanes);
    }
}
