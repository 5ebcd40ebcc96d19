package io.qwen4j.cli;

import io.qwen4j.engine.Model;
import io.qwen4j.server.ApiServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the model over OpenAI- and Ollama-compatible HTTP APIs with continuous batching (/v1/chat/completions, /v1/completions, /api/chat, /api/generate, /metrics, ...).")
final class ServeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model file, or a model reference (qwen3:0.6b, ORG/REPO[:QUANT]) pulled when missing.")
    Path model;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--api-key", description = "Require 'Authorization: Bearer KEY' on every request.")
    String apiKey;

    @Option(names = "--insecure", description = "Allow a non-loopback address without an API key.")
    boolean insecure;

    @Option(names = {"-np", "--parallel"}, description = "Requests generating at once, batched into one forward pass per step (default: ${DEFAULT-VALUE}).")
    int parallel = ApiServer.Config.DEFAULT_PARALLEL;

    @Option(names = "--queue", description = "Requests that may wait for a slot; more get 503 (default: 4 x parallel).")
    Integer queue;

    @Option(names = "--name", description = "Model id reported by the API (default: the file name without .gguf).")
    String name;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ChatTemplateOption chatTemplate;

    @Override
    public Integer call() throws Exception {
        String id = name != null ? name : model.getFileName().toString().replaceFirst("(?i)\\.gguf$", "");
        try (Model m = chatTemplate.applyTo(modelOptions.open(model));
             var server = ApiServer.start(m, id, new ApiServer.Config(host, port, apiKey, insecure, 8 << 20)
                     .withParallel(parallel, queue != null ? queue : 4 * parallel))) {
            System.err.printf("qwen4j: serving '%s' at http://%s:%d (OpenAI: /v1, Ollama: /api; context %d tokens, %d parallel); Ctrl-C stops%n",
                    id, host, server.port(), m.contextSize(), parallel);
            var stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }
}
