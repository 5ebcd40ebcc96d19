package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

final class BF16Matrix extends RowMatrix implements Matrix {

    BF16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols * 2);
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    /** bfloat16 is the top half of a float32: 8 halves widened to ints and shifted up (written inline, decision 0016). */
    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow scratch) {
        MemorySegment data = Blocks.offHeap(this.data);
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        int i = 0;
        for (int upper = Ops.F.loopBound(cols); i < upper; i += Ops.F.length()) {
            var h = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, base + i * 2L, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.S2I, IntVector.SPECIES_256, 0);
            var w = (FloatVector) h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = w.fma(FloatVector.fromArray(Ops.F, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) sum += Ops.bf16ToFloat(data.get(F16Matrix.LE, base + i * 2L)) * x[xOff + i];
        return sum;
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment data = Blocks.offHeap(this.data);
        long base = r * rowBytes;
        for (int i = 0; i < cols; i++) dst[off + i] = Ops.bf16ToFloat(data.get(F16Matrix.LE, base + i * 2L));
    }
}
