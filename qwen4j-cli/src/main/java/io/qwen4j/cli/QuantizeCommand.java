package io.qwen4j.cli;

import io.qwen4j.quantize.ModelQuantizer;
import io.qwen4j.quantize.Recipe;
import io.qwen4j.tensor.Parallel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = {"Quantize an F32/F16/BF16 GGUF model as llama-quantize does (same tensor types, same bytes).",
                "TYPE: Q8_0, Q4_0, Q4_K (= Q4_K_M), Q5_K (= Q5_K_M), Q6_K, Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M."})
final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Input GGUF file (F32, F16 or BF16 weights).")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "Output GGUF file (written atomically).")
    Path out;

    @Parameters(index = "2", paramLabel = "TYPE", description = "Target type or mix.")
    String type;

    @Option(names = "--pure", description = "Give every quantizable 2-D weight TYPE's base type (no mix, output matrix included).")
    boolean pure;

    @Option(names = {"-t", "--threads"}, description = "Worker threads (default: physical cores).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Recipe recipe = Recipe.parse(type);
        Path dir = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("cannot write " + out + ": the directory " + dir + " does not exist");
        int n = threads > 0 ? threads : Parallel.defaultThreads();
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null && System.console().isTerminal();
        long start = System.nanoTime();
        var result = ModelQuantizer.quantize(in, out, recipe, pure, n, p -> {
            double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
            int width = 24;
            int filled = (int) (width * p.inputBytesDone() / Math.max(1, p.inputBytesTotal()));
            String line = String.format(Locale.ROOT, "[%s%s] %4d/%d %-32s %-5s -> %-5s %7.1f MB/s",
                    "#".repeat(filled), " ".repeat(width - filled), p.index(), p.count(), p.tensor().name(),
                    p.tensor().from(), p.tensor().to(), p.inputBytesDone() / 1e6 / seconds);
            // a terminal gets one line redrawn in place; a log gets a line per tensor
            err.print(terminal ? "\r" + line : line + System.lineSeparator());
            err.flush();
        });
        if (terminal) err.println();
        System.out.printf(Locale.ROOT, "wrote %s (%s%s, %d tensors, %.2f MiB -> %.2f MiB, %.1f s, %d threads)%n",
                out, recipe, pure ? " pure" : "", result.tensors().size(), result.inputBytes() / 1048576.0,
                result.outputBytes() / 1048576.0, (System.nanoTime() - start) / 1e9, n);
        return 0;
    }
}
