package io.qwen4j.cli;

import io.qwen4j.hub.HubConfig;
import io.qwen4j.hub.ModelHub;
import io.qwen4j.hub.ModelRef;
import io.qwen4j.hub.ProgressBar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The MODEL argument of run, chat, serve, inspect and bench: an existing file, or else a model reference
 * ({@code qwen3:0.6b}, {@code Qwen/Qwen3-8B-GGUF:Q8_0}, {@code hf.co/...}) found in the store, pulled when missing.
 */
final class ModelArgument {
    private ModelArgument() {}

    /** The file to open; an argument that is neither a file nor a reference comes back as is, for the caller to report. */
    static Path resolve(Path argument, Supplier<HubConfig> hub) throws IOException {
        if (Files.exists(argument)) return argument;
        Optional<ModelRef> ref = ModelRef.tryParse(argument.toString());
        if (ref.isEmpty()) return argument;
        return new ModelHub(hub.get()).locate(ref.get(), ProgressBar.stderr()).path();
    }
}
