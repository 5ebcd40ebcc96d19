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
        description = "Write a GGUF file of any Qwen architecture with random weights and a small synthetic vocabulary (for tests and demos).")
final class RandomModelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUT", description = "Output GGUF file.")
    Path out;

    @Option(names = "--arch", description = "qwen2, qwen3, qwen3moe, qwen35, qwen35moe or qwen3next (default: ${DEFAULT-VALUE}).")
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
    @Option(names = "--experts", description = "MoE architectures: experts per layer (default: ${DEFAULT-VALUE}).") int experts = 8;
    @Option(names = "--experts-used", description = "Experts per token (default: ${DEFAULT-VALUE}).") int expertsUsed = 2;
    @Option(names = "--expert-ffn", description = "Inner width of an expert (default: ${DEFAULT-VALUE}).") int expertFfn = 64;
    @Option(names = "--shared-ffn", description = "Shared expert width, qwen35moe and qwen3next (default: ${DEFAULT-VALUE}).") int sharedFfn = 64;
    @Option(names = "--ssm-groups", description = "Hybrids: DeltaNet key heads (default: ${DEFAULT-VALUE}).") int ssmGroups = 2;
    @Option(names = "--ssm-v-heads", description = "DeltaNet value heads (default: ${DEFAULT-VALUE}).") int ssmValueHeads = 4;
    @Option(names = "--ssm-state", description = "DeltaNet head width (default: ${DEFAULT-VALUE}).") int ssmState = 32;
    @Option(names = "--ssm-conv", description = "DeltaNet convolution width (default: ${DEFAULT-VALUE}).") int ssmConv = 4;
    @Option(names = "--full-attn-interval", description = "Every N-th layer of a hybrid is attention (default: ${DEFAULT-VALUE}).") int fullAttentionInterval = 4;
    @Option(names = "--rope-dims", description = "Rotated dims per head in a hybrid's attention (default: ${DEFAULT-VALUE}).") int ropeDims = 16;

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
        if (spec.moe() != null) {
            spec = spec.withMoe(new RandomModelWriter.Moe(experts, expertsUsed, expertFfn, arch.equals("qwen3moe") ? 0 : sharedFfn));
        }
        if (spec.hybrid() != null) {
            spec = spec.withHybrid(new RandomModelWriter.Hybrid(ssmGroups, ssmValueHeads, ssmState, ssmConv, fullAttentionInterval, ropeDims));
        }
        RandomModelWriter.write(spec, out);
        System.out.println("wrote " + out + " (" + arch + ", " + type + ", random weights)");
        return 0;
    }
}
