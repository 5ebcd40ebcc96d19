package io.qwen4j.cli;

import io.qwen4j.gguf.GgufSplit;
import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.hub.HubConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a GGUF file's metadata and tensors (all parts of a split model).")
final class InspectCommand implements Callable<Integer>, UsesHub {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file, or a model reference (qwen3:0.6b, ORG/REPO[:QUANT]) pulled when missing.")
    Path model;

    @Option(names = "--no-tensors", description = "Metadata only.")
    boolean noTensors;

    @Option(names = "--items", description = "Array items shown per metadata value (default: 8).")
    int items = 8;

    private Supplier<HubConfig> hub = FROM_ENVIRONMENT;

    @Override
    public void hub(Supplier<HubConfig> config) {
        this.hub = config;
    }

    @Override
    public Integer call() throws IOException {
        model = ModelArgument.resolve(model, hub);
        try (var gguf = GgufSplit.open(model)) {
            var out = System.out;
            out.printf(Locale.ROOT, "file: %s%nGGUF version %d, %d metadata keys, %d tensors, alignment %d, data at offset %d%n",
                    model, gguf.version(), gguf.metadata().size(), gguf.tensors().size(), gguf.alignment(), gguf.dataOffset());
            var paths = gguf.paths();
            if (paths.size() > 1) {
                // metadata and header above are the first part's; tensor offsets below are within each tensor's own part
                out.printf(Locale.ROOT, "split model in %d parts, %d bytes in all:%n", paths.size(), gguf.fileSize());
                for (Path p : paths) out.println("  " + p.getFileName());
            }
            out.println();
            out.println("metadata:");
            gguf.metadata().forEach((k, v) -> out.printf("  %-48s %s%n", k, v.display(items)));
            if (!noTensors) {
                out.println();
                out.println("tensors:");
                long total = 0;
                for (GgufTensorInfo t : gguf.tensors()) {
                    total += t.byteSize();
                    out.printf(Locale.ROOT, "  %-40s %-6s %-22s %12d bytes @ %d%n",
                            t.name(), t.type(), Arrays.toString(t.shape()), t.byteSize(), t.offset());
                }
                out.printf(Locale.ROOT, "  total %.2f MiB in %d tensors%n", total / 1048576.0, gguf.tensors().size());
            }
        }
        return 0;
    }
}
