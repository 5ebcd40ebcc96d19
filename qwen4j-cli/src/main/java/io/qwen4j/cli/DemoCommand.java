package io.qwen4j.cli;

import io.qwen4j.engine.Model;
import io.qwen4j.model.synthetic.RandomModelWriter;
import io.qwen4j.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Write a tiny random-weight Qwen3 model and chat with it: the whole pipeline, offline. The output is gibberish by design.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--prompt", description = "The message to send (default: ${DEFAULT-VALUE}).")
    String prompt = "Hello! Why is the sky blue?";

    @Option(names = "--type", description = "Matrix type of the model: F32, F16, BF16, Q8_0, Q4_0 (default: ${DEFAULT-VALUE}).")
    GgmlType type = GgmlType.F32;

    @Option(names = "--model-out", description = "Where to write the model (default: a temporary file, deleted afterwards).")
    Path modelOut;

    @Mixin
    SamplingMixin sampling;

    @Override
    public Integer call() throws IOException {
        Path path = modelOut != null ? modelOut : Files.createTempFile("qwen4j-demo-", ".gguf");
        try {
            var spec = RandomModelWriter.Spec.tinyQwen3().withType(type);
            RandomModelWriter.write(spec, path);
            System.out.printf("qwen4j demo: wrote a tiny Qwen3 model with RANDOM weights (%d layers, hidden %d, vocab %d, %s, %d KiB) to %s.%n",
                    spec.layers(), spec.hidden(), spec.vocab(), type, Files.size(path) / 1024, path);
            System.out.println("Its replies are meaningless; this shows the pipeline (GGUF -> tokenizer -> forward pass -> sampling -> streaming text) working.");
            System.out.println();
            if (sampling.maxTokens <= 0) sampling.maxTokens = 48;
            try (Model m = Model.open(path)) {
                System.out.println("user> " + prompt);
                System.out.print("assistant> ");
                Printing.stream(m.newChat().send(prompt, sampling.request()), System.out, System.err, true);
            }
        } finally {
            if (modelOut == null) Files.deleteIfExists(path);
        }
        return 0;
    }
}
