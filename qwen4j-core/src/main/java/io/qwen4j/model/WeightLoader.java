package io.qwen4j.model;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.tensor.Matrix;
import io.qwen4j.tensor.Quantizer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Looks tensors up by their GGUF name (llama.cpp's LLM_TENSOR_NAMES: {@code blk.N.attn_q.weight}...) and
 * checks their shapes, so a file that does not fit the config fails at load time naming the tensor.
 * Matrices stay in the mapped file; only small vectors (norms, biases) are copied out as float32.
 */
public final class WeightLoader {
    private final GgufFile gguf;

    public WeightLoader(GgufFile gguf) {
        this.gguf = gguf;
    }

    public GgufFile gguf() {
        return gguf;
    }

    public boolean has(String name) {
        return gguf.tensor(name).isPresent();
    }

    /** A [rows x cols] matrix (ggml shape {cols, rows}). */
    public Matrix matrix(String name, int rows, int cols) throws GgufFormatException {
        GgufTensorInfo t = require(name);
        if (t.rank() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
            throw new GgufFormatException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "] (ggml order)");
        }
        try {
            return Matrix.of(t.type(), gguf.tensorData(t), rows, cols);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("tensor '" + name + "': " + e.getMessage());
        }
    }

    /**
     * A stack of {@code count} [rows x cols] matrices stored as one 3-D tensor (ggml shape {cols, rows, count}), as
     * llama.cpp stores the experts of a layer ({@code ffn_gate_exps}...): each is a view of its slice of the mapping.
     */
    public Matrix[] matrices(String name, int count, int rows, int cols) throws GgufFormatException {
        GgufTensorInfo t = require(name);
        if (t.rank() != 3 || t.dim(0) != cols || t.dim(1) != rows || t.dim(2) != count) {
            throw new GgufFormatException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + ", " + count + "] (ggml order)");
        }
        try {
            var data = gguf.tensorData(t);
            long bytes = t.type().bytesFor((long) rows * cols);
            var out = new Matrix[count];
            for (int e = 0; e < count; e++) out[e] = Matrix.of(t.type(), data.asSlice(e * bytes, bytes), rows, cols);
            return out;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new GgufFormatException("tensor '" + name + "': " + e.getMessage());
        }
    }

    public Optional<Matrix> optionalMatrix(String name, int rows, int cols) throws GgufFormatException {
        return has(name) ? Optional.of(matrix(name, rows, cols)) : Optional.empty();
    }

    /** A 1-D tensor of n elements, copied out as float32. */
    public float[] vector(String name, int n) throws GgufFormatException {
        GgufTensorInfo t = require(name);
        if (t.elementCount() != n || t.dim(0) != n) {
            throw new GgufFormatException("tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected [" + n + "]");
        }
        try {
            return Quantizer.dequantize(t.type(), gguf.tensorData(t), n);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("tensor '" + name + "': " + e.getMessage());
        }
    }

    /** A small 2-D tensor [rows x cols] (ggml shape {cols, rows}) copied out as float32, row-major. */
    public float[] smallMatrix(String name, int rows, int cols) throws GgufFormatException {
        GgufTensorInfo t = require(name);
        if (t.rank() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
            throw new GgufFormatException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "] (ggml order)");
        }
        try {
            return Quantizer.dequantize(t.type(), gguf.tensorData(t), rows * cols);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException("tensor '" + name + "': " + e.getMessage());
        }
    }

    public Optional<float[]> optionalVector(String name, int n) throws GgufFormatException {
        return has(name) ? Optional.of(vector(name, n)) : Optional.empty();
    }

    private GgufTensorInfo require(String name) throws GgufFormatException {
        var t = gguf.tensor(name);
        if (t.isEmpty()) {
            throw new GgufFormatException(gguf.path() + ": missing tensor '" + name + "' required by architecture '"
                    + gguf.getString("general.architecture", "?") + "'");
        }
        return t.get();
    }
}
