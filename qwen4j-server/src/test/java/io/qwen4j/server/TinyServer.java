package io.qwen4j.server;

import io.qwen4j.engine.Model;
import io.qwen4j.model.synthetic.RandomModelWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** A server on a freshly generated tiny random-weight Qwen3 model, on a free loopback port, for client tests. */
final class TinyServer implements AutoCloseable {
    final Path dir;
    final Model model;
    final ApiServer server;

    TinyServer(ApiServer.Config config) throws Exception {
        dir = Files.createTempDirectory("qwen4j-server");
        Path file = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), file);
        model = Model.open(file, new Model.Options(2, 512));
        server = ApiServer.start(model, "tiny", config);
    }

    TinyServer() throws Exception {
        this(ApiServer.Config.loopback(0));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() throws Exception {
        server.close();
        model.close();
        Files.deleteIfExists(dir.resolve("tiny.gguf"));
        Files.deleteIfExists(dir);
    }
}
