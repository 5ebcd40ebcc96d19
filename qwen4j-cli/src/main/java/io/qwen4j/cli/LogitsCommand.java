package io.qwen4j.cli;

import io.qwen4j.engine.Model;
import io.qwen4j.model.Logits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The conformance contract: raw little-endian float32 logits {@code [n_tokens][n_vocab]}, row i after token i. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Write the logits after each of the given tokens as raw little-endian float32 [n_tokens][n_vocab].")
final class LogitsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model file.")
    Path model;

    @Option(names = "--tokens", required = true, split = ",", description = "Token ids, comma separated.")
    int[] tokens;

    @Option(names = {"-o", "--out"}, required = true, description = "Output file.")
    Path out;

    @Option(names = "--mode", description = "batch: the prompt path (one batch); step: one token at a time. Default: batch.")
    String mode = "batch";

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws IOException {
        var m = switch (mode.toLowerCase(Locale.ROOT)) {
            case "batch" -> Logits.Mode.BATCH;
            case "step" -> Logits.Mode.STEP;
            default -> throw new IllegalArgumentException("--mode must be batch or step, not " + mode);
        };
        try (Model loaded = modelOptions.open(model)) {
            Logits.write(Logits.compute(loaded.languageModel(), tokens, m), out);
        }
        return 0;
    }
}
