package io.qwen4j.engine;

import io.qwen4j.model.synthetic.RandomModelWriter;
import java.io.IOException;
import java.nio.file.Path;

/** The tiny random-weight Qwen3 the engine tests run on, written into a test's temporary folder. */
final class TinyModels {
    private TinyModels() {}

    /** Writes the model to {@code dir/tiny.gguf} and opens it with 2 threads and a 256-token context. */
    static Model open(Path dir) throws IOException {
        Path file = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), file);
        return Model.open(file, new Model.Options(2, 256));
    }
}
