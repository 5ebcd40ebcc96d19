package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

final class F16Matrix extends RowMatrix implements Matrix {
    static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Halves and their integer widening at Ops.WIDE's width: 16 per step on AVX-512, where the conversion binds. */
    private static final VectorSpecies<Short> S = Ops.WIDE.length() == 16 ? ShortVector.SPECIES_256 : ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = Ops.WIDE.length() == 16 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;

    F16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols * 2);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    /**
     * Ops.WIDE.length() halves to floats with integer lanes: shift exponent and mantissa into float position and rescale by
     * 2^112 (the bias difference), which also handles subnormals; infinities and NaNs get the float exponent back.
     */
    static FloatVector halfToFloat(MemorySegment seg, long offset) {
        var h = (IntVector) ShortVector.fromMemorySegment(S, seg, offset, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, I, 0);
        var abs = h.and(0x7fff);
        var magnitude = abs.lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        var special = abs.compare(VectorOperators.GE, 0x7c00);
        var bits = magnitude.reinterpretAsInts().blend(abs.lanewise(VectorOperators.LSHL, 13).or(0x7f800000), special);
        return (FloatVector) bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    @Override
    float dotRow(int r, float[] x, int xOff) {
        var f = Ops.WIDE;
        long base = r * rowBytes;
        var acc = FloatVector.zero(f);
        int i = 0;
        for (int upper = f.loopBound(cols); i < upper; i += f.length()) {
            acc = halfToFloat(data, base + i * 2L).fma(FloatVector.fromArray(f, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) sum += Float.float16ToFloat(data.get(LE, base + i * 2L)) * x[xOff + i];
        return sum;
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        long base = r * rowBytes;
        int i = 0;
        for (int upper = Ops.WIDE.loopBound(cols); i < upper; i += Ops.WIDE.length()) halfToFloat(data, base + i * 2L).intoArray(dst, off + i);
        for (; i < cols; i++) dst[off + i] = Float.float16ToFloat(data.get(LE, base + i * 2L));
    }
}
