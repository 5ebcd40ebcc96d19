package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;

/**
 * The bit-packed types whose decode kernel unpacks a row into the thread's UnpackedRow (int8 quants, one scale per
 * 16 elements, and minima for the types that have them) and then dots it from L1 with UnpackedRow's shared loops
 * (decision 0011). A type supplies only its unpacking; a small batch unpacks each row once for all its x rows.
 */
abstract sealed class UnpackingMatrix extends RowMatrix permits Q4_0Matrix, Q4_1Matrix, Q5_0Matrix, Q5_1Matrix,
        Q2_KMatrix, Q3_KMatrix, Q4_KMatrix, Q5_KMatrix, Q6_KMatrix, IQ4_NLMatrix, IQ4_XSMatrix {
    /** Whether unpack writes mins (value = scale * q - min) besides scales. */
    private final boolean minima;

    UnpackingMatrix(MemorySegment data, int rows, int cols, long rowBytes, boolean minima) {
        super(data, rows, cols, rowBytes);
        this.minima = minima;
    }

    /**
     * Writes row r's quants to {@code u.quants} in element order and its scales (d applied) to {@code u.scales},
     * one per 16 elements, and with minima its mins to {@code u.mins}. A method of its own in every type: written
     * inside the dot product's method, C2's inlining budget ran out before the dot loop's helpers (0011).
     */
    abstract void unpack(int r, UnpackedRow u);

    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow u) {
        unpack(r, u);
        return dotUnpacked(u, x, xOff);
    }

    /** The row last unpacked into {@code u} dotted with {@code x[xOff .. xOff+cols)}. */
    final float dotUnpacked(UnpackedRow u, float[] x, int xOff) {
        return minima ? u.dotWithMins(cols, x, xOff) : u.dot(cols, x, xOff);
    }
}
