package io.qwen4j.cli;

import io.qwen4j.engine.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options for opening a model, shared by the commands that run one. */
final class ModelOptions {
    @Option(names = {"-t", "--threads"}, description = "Worker threads (default: physical cores).")
    int threads;

    @Option(names = {"-c", "--ctx"}, description = "Context size in tokens (default: 4096 or the model's training context if smaller).")
    int contextSize;

    Model open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException("no such model file: " + path);
        return Model.open(path, new Model.Options(threads, contextSize));
    }
}
