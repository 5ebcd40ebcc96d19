package io.qwen4j.cli;

import io.qwen4j.engine.Model;
import io.qwen4j.hub.HubConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** Options for opening a model, shared by the commands that run one. */
final class ModelOptions implements UsesHub {
    @Option(names = {"-t", "--threads"}, description = "Worker threads (default: physical cores).")
    int threads;

    @Option(names = {"-c", "--ctx"}, description = "Context size in tokens (default: 4096 or the model's training context if smaller).")
    int contextSize;

    private Supplier<HubConfig> hub = FROM_ENVIRONMENT;

    @Override
    public void hub(Supplier<HubConfig> config) {
        this.hub = config;
    }

    /** Opens a GGUF file, or the stored model a reference names (pulled first when missing). */
    Model open(Path model) throws IOException {
        Path path = ModelArgument.resolve(model, hub);
        if (!Files.isRegularFile(path)) throw new IOException("no such model file: " + path);
        return Model.open(path, new Model.Options(threads, contextSize));
    }
}
