package io.qwen4j.model;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.gguf.GgufFormatException;
import io.qwen4j.model.arch.Qwen2;
import io.qwen4j.model.arch.Qwen3;
import io.qwen4j.model.arch.Qwen35;
import io.qwen4j.model.arch.Qwen35Moe;
import io.qwen4j.model.arch.Qwen3Moe;
import io.qwen4j.model.arch.Qwen3Next;
import io.qwen4j.tensor.Parallel;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registry of supported {@code general.architecture} values (vLLM's model registry, in small). */
public final class Architectures {
    private Architectures() {}

    @FunctionalInterface
    interface Loader {
        LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException;
    }

    private static final Map<String, Loader> LOADERS = new LinkedHashMap<>();

    static {
        LOADERS.put("qwen2", Qwen2::load);
        LOADERS.put("qwen3", Qwen3::load);
        LOADERS.put("qwen3moe", Qwen3Moe::load);
        LOADERS.put("qwen35", Qwen35::load);
        LOADERS.put("qwen35moe", Qwen35Moe::load);
        LOADERS.put("qwen3next", Qwen3Next::load);
    }

    public static java.util.Set<String> supported() {
        return LOADERS.keySet();
    }

    /** Builds the model the file describes; the model owns the file and the pool from then on. */
    public static LanguageModel load(GgufFile gguf, Parallel pool) throws GgufFormatException {
        String arch = gguf.getString("general.architecture");
        Loader loader = LOADERS.get(arch);
        if (loader == null) {
            throw new GgufFormatException(gguf.path() + ": unsupported architecture '" + arch + "' (supported: "
                    + String.join(", ", LOADERS.keySet()) + ")");
        }
        return loader.load(gguf, pool);
    }
}
