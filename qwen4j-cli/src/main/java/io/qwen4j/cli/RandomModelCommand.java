package io.qwen4j.cli;

import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "random-model", mixinStandardHelpOptions = true,
        description = "Write a Qwen2/Qwen3 GGUF file with random weights and a small synthetic vocabulary (for tests and demos).")
final class RandomModelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUT", description = "Output GGUF file.")
    Path out;

    @Option(names = "--arch", description = "qwen2 or qwen3 (default: ${DEFAULT-VALUE}).")
    String arch = "qwen3";

    @Option(names = "--type", description = "Matrix type: F32, F16, BF16, Q8_0, Q4_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type = GgmlType.F32;

    @Option(names = "--hidden") int hidden = 64;
    @Option(names = "--layers") int layers = 2;
    @Option(names = "--heads") int heads = 4;
    @Option(names = "--kv-heads") int kvHeads = 2;
    @Option(names = "--head-dim") int headDim = 32;
    @Option(names = "--ffn") int ffn = 128;
    @Option(names = "--vocab") int vocab = 384;
    @Option(names = "--untied", description = "Write a separate output matrix.") boolean untied;
    @Option(names = "--seed") long seed = 42;
    @Option(names = "--std", description = "Std of matrix weights (default: ${DEFAULT-VALUE}).") float std = 0.08f;

    @Override
    public Integer call() throws IOException {
        var spec = RandomModelWriter.Spec.tinyQwen3()
                .withArchitecture(arch)
                .withShape(hidden, layers, heads, kvHeads, headDim, ffn)
                .withVocab(vocab)
                .withTied(!untied)
                .withType(type)
                .withSeed(seed)
                .withStd(std);
        RandomModelWriter.write(spec, out);
        System.out.println("wrote " + out + " (" + arch + ", " + type + ", random weights)");
        return 0;
    }
}
