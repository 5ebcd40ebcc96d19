package io.qwen4j.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

final class F32Matrix extends RowMatrix implements Matrix {
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F32Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, (long) cols * 4);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    float dotRow(int r, float[] x, int xOff, UnpackedRow scratch) {
        MemorySegment data = Blocks.offHeap(this.data);
        long base = r * rowBytes;
        var acc = FloatVector.zero(Ops.F);
        int i = 0;
        for (int upper = Ops.F.loopBound(cols); i < upper; i += Ops.F.length()) {
            var w = FloatVector.fromMemorySegment(Ops.F, data, base + i * 4L, ByteOrder.LITTLE_ENDIAN);
            acc = w.fma(FloatVector.fromArray(Ops.F, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) sum += data.get(LE, base + i * 4L) * x[xOff + i];
        return sum;
    }

    @Override
    public void dequantizeRow(int r, float[] dst, int off) {
        MemorySegment.copy(data, LE, r * rowBytes, dst, off, cols);
    }
}
