package io.qwen4j.quantize;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufSplit;
import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.gguf.GgufValue;
import io.qwen4j.gguf.GgufWriter;
import io.qwen4j.tensor.GgmlType;
import io.qwen4j.tensor.Parallel;
import io.qwen4j.tensor.Quantizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Quantizes an F32/F16/BF16 GGUF model the way llama-quantize does without an importance matrix, to the same
 * bytes: the same tensor types ({@link TensorTypeChooser}), ggml's reference encoders ({@link Quantizer}), the
 * same tensor order and metadata. The output is streamed one tensor at a time; each tensor's rows are encoded
 * in parallel.
 */
public final class ModelQuantizer {
    private ModelQuantizer() {}

    /** One tensor of the output: its name, shape (ggml order) and the type it has in the input and will have. */
    public record TensorPlan(String name, long[] shape, GgmlType from, GgmlType to) {}

    /** Reported after each tensor is written: its 1-based index, the count, and the input bytes done so far. */
    public record Progress(int index, int count, TensorPlan tensor, long inputBytesDone, long inputBytesTotal) {}

    /** What a run wrote. */
    public record Result(List<TensorPlan> tensors, long inputBytes, long outputBytes) {}

    /**
     * llama-quantize's tensor order (llama_model_loader's weight_name_comparer): tensors outside the blocks first,
     * then block by block (numerically), by name within each.
     */
    public static final Comparator<String> LLAMA_ORDER = Comparator.comparingInt(ModelQuantizer::blockNumber)
            .thenComparing(Comparator.naturalOrder());

    /** sscanf("blk.%d.") as the comparator reads it: the block number, or -1 for tensors outside the blocks. */
    private static int blockNumber(String name) {
        if (!name.startsWith("blk.")) return -1;
        int i = 4;
        int sign = 1;
        if (i < name.length() && (name.charAt(i) == '-' || name.charAt(i) == '+')) {
            sign = name.charAt(i) == '-' ? -1 : 1;
            i++;
        }
        int start = i;
        long v = 0;
        while (i < name.length() && Character.isDigit(name.charAt(i)) && v < Integer.MAX_VALUE) v = v * 10 + (name.charAt(i++) - '0');
        return i == start ? -1 : (int) (sign * Math.min(v, Integer.MAX_VALUE));
    }

    private static final Set<GgmlType> FLOAT_INPUTS = Set.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);

    /** The types each tensor gets, in output order, without writing anything. */
    public static List<TensorPlan> plan(GgufFile in, Recipe recipe, boolean pure) throws IOException {
        var tensors = new ArrayList<>(in.tensors());
        tensors.sort(Comparator.comparing(GgufTensorInfo::name, LLAMA_ORDER));
        String arch = in.getString("general.architecture");
        int layers = in.getInt(arch + ".block_count");
        int experts = in.getInt(arch + ".expert_count", 0);
        var facts = TensorTypeChooser.ModelFacts.of(arch, layers, experts);
        List<GgmlType> types = TensorTypeChooser.choose(tensors, recipe, pure, facts);
        var plan = new ArrayList<TensorPlan>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            GgmlType to = types.get(i);
            if (to != t.type() && !FLOAT_INPUTS.contains(t.type())) {
                throw new IllegalArgumentException(in.path() + " is already quantized: tensor '" + t.name() + "' is " + t.type()
                        + "; quantize needs a model in F32, F16 or BF16");
            }
            long[] shape = Arrays.copyOf(t.shape(), TensorTypeChooser.nDims(t.shape())); // gguf writes ggml_n_dims dimensions
            if (t.shape().length == 0) shape = new long[] {1};
            plan.add(new TensorPlan(t.name(), shape, t.type(), to));
        }
        return plan;
    }

    /** Writes {@code out} from {@code in}; {@code progress} hears of each tensor as it is written. */
    public static Result quantize(Path in, Path out, Recipe recipe, boolean pure, int threads, Consumer<Progress> progress) throws IOException {
        if (Files.exists(out) && Files.isSameFile(in, out)) throw new IllegalArgumentException("the output file must differ from the input " + in);
        try (GgufFile gguf = GgufSplit.open(in); Parallel pool = new Parallel(threads)) {
            List<TensorPlan> plan = plan(gguf, recipe, pure);
            var writer = new GgufWriter();
            for (var e : gguf.metadata().entrySet()) {
                String key = e.getKey();
                // llama-quantize sets these two last (gguf_set_val_u32 removes and appends) and drops the split keys
                if (key.equals("general.quantization_version") || key.equals("general.file_type") || key.startsWith("split.")) continue;
                // Kept, and honoured. (llama-quantize copies the key but pads to 32 regardless, since gguf_set_kv does not
                // update the context's alignment; its output then contradicts its own key. Inputs with the default match.)
                if (key.equals("general.alignment")) writer.alignment((int) gguf.alignment());
                writer.put(key, e.getValue());
            }
            writer.put("general.quantization_version", GgufValue.ofUInt32(2)); // GGML_QNT_VERSION
            writer.put("general.file_type", GgufValue.ofUInt32(recipe.fileType));

            long total = 0;
            for (GgufTensorInfo t : gguf.tensors()) total += t.byteSize();
            long inputTotal = total;
            long[] done = {0};
            long[] written = {0};
            for (int i = 0; i < plan.size(); i++) {
                TensorPlan p = plan.get(i);
                GgufTensorInfo t = gguf.tensor(p.name()).orElseThrow();
                int index = i + 1;
                writer.addTensor(p.name(), p.to(), p.shape(), arena -> {
                    MemorySegment src = gguf.tensorData(t);
                    MemorySegment data = p.to() == p.from() ? src : encode(src, p, arena, pool);
                    done[0] += t.byteSize();
                    written[0] += data.byteSize();
                    if (progress != null) progress.accept(new Progress(index, plan.size(), p, done[0], inputTotal));
                    return data;
                });
            }
            writer.write(out);
            return new Result(List.copyOf(plan), inputTotal, written[0]);
        }
    }

    /** Converts the rows of one F32/F16/BF16 tensor to its planned type, split over the pool. */
    private static MemorySegment encode(MemorySegment src, TensorPlan p, Arena arena, Parallel pool) {
        long elements = 1;
        for (long d : p.shape()) elements *= d;
        if (elements == 0) return arena.allocate(0);
        int cols = Math.toIntExact(p.shape()[0]);
        int rows = Math.toIntExact(elements / cols);
        long rowIn = p.from().bytesFor(cols);
        long rowOut = p.to().bytesFor(cols);
        MemorySegment dst = arena.allocate(rows * rowOut, 64);
        int rowsPerChunk = Math.max(1, (1 << 16) / cols);
        pool.forRange(rows, (start, end) -> {
            for (int r = start; r < end; r += rowsPerChunk) {
                int n = Math.min(rowsPerChunk, end - r);
                float[] x = Quantizer.dequantize(p.from(), src.asSlice(r * rowIn, n * rowIn), (long) n * cols);
                var buf = dst.asSlice(r * rowOut, n * rowOut).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                Quantizer.quantize(p.to(), x, 0, x.length, buf);
            }
        });
        return dst;
    }
}
