package io.qwen4j.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.qwen4j.engine.BatchScheduler;
import io.qwen4j.engine.EngineMetrics;
import io.qwen4j.engine.Model;
import io.qwen4j.server.ollama.OllamaApi;
import io.qwen4j.server.openai.ChatCompletionsHandler;
import io.qwen4j.server.openai.CompletionsHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP server over one model speaking OpenAI's API ({@code GET /v1/models}, {@code POST /v1/chat/completions},
 * JSON or server-sent events) and Ollama's ({@code /api/chat}, {@code /api/generate}, {@code /api/tags},
 * {@code /api/show}, {@code /api/ps}, {@code /api/version}), plus {@code GET /health} and Prometheus
 * {@code GET /metrics}. Binds loopback unless told otherwise; a non-loopback address needs an API key (or an
 * explicit {@code insecure}). Each request runs on its own virtual thread; generations share the model through
 * one continuous-batching scheduler.
 */
public final class ApiServer implements AutoCloseable {

    /**
     * Where and how to listen. {@code apiKey} null: no authentication (only allowed on loopback unless insecure).
     * {@code parallel} sequences generate at once (continuous batching); {@code queue} more may wait for a slot.
     */
    public record Config(String host, int port, String apiKey, boolean insecure, int maxBodyBytes, int parallel, int queue) {
        public static final int DEFAULT_PARALLEL = 4;

        public Config(String host, int port, String apiKey, boolean insecure, int maxBodyBytes) {
            this(host, port, apiKey, insecure, maxBodyBytes, DEFAULT_PARALLEL, 4 * DEFAULT_PARALLEL);
        }

        public static Config loopback(int port) {
            return new Config("127.0.0.1", port, null, false, 8 << 20);
        }

        public Config withParallel(int slots, int queueCapacity) {
            return new Config(host, port, apiKey, insecure, maxBodyBytes, slots, queueCapacity);
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final Config config;
    private final String modelName;
    private final Generations generations;
    private final ChatCompletionsHandler chat;
    private final CompletionsHandler completions;
    private final OllamaApi ollama;
    private final Metrics metrics = new Metrics();

    private ApiServer(HttpServer http, ExecutorService executor, Config config, Model model, String modelName) {
        this.http = http;
        this.executor = executor;
        this.config = config;
        this.modelName = modelName;
        this.generations = new Generations(model, new BatchScheduler.Config(config.parallel(), config.queue(), 256));
        this.chat = new ChatCompletionsHandler(generations, modelName);
        this.completions = new CompletionsHandler(generations, modelName);
        this.ollama = new OllamaApi(generations, modelName);
    }

    public static ApiServer start(Model model, String modelName, Config config) throws IOException {
        InetAddress address = InetAddress.getByName(config.host());
        if (!address.isLoopbackAddress() && config.apiKey() == null && !config.insecure()) {
            throw new IllegalArgumentException("refusing to listen on " + config.host()
                    + " without an API key; give one, or say insecure to accept requests from anyone");
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(address, config.port()), 64);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        var server = new ApiServer(http, executor, config, model, modelName);
        http.createContext("/", server::dispatch);
        http.start();
        return server;
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The scheduler's counters (also served at {@code /metrics}). */
    public EngineMetrics engineMetrics() {
        return generations.scheduler().metrics();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        metrics.httpRequests.increment();
        try (ex) {
            try {
                route(ex);
            } catch (ApiException e) {
                metrics.httpErrors.increment();
                if (ex.getRequestURI().getPath().startsWith("/api/")) {
                    // Ollama's error shape is a bare string
                    HttpExchanges.json(ex, e.status(), HttpExchanges.JSON.createObjectNode().put("error", e.getMessage()));
                } else {
                    HttpExchanges.error(ex, e.status(), e.type(), e.param(), e.getMessage());
                }
            } catch (IOException e) {
                // the client went away mid-response: nothing to answer
            } catch (RuntimeException e) {
                metrics.httpErrors.increment();
                HttpExchanges.error(ex, 500, "server_error", null, "internal error: " + e);
            }
        }
    }

    private void route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/health")) {
            ObjectNode ok = HttpExchanges.JSON.createObjectNode().put("status", "ok");
            HttpExchanges.json(ex, 200, ok);
            return;
        }
        authorize(ex);
        switch (path) {
            case "/metrics" -> {
                requireMethod(method, "GET");
                HttpExchanges.text(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.render(engineMetrics(), config.parallel()));
            }
            case "/v1/completions" -> {
                requireMethod(method, "POST");
                completions.handle(ex, HttpExchanges.body(ex, config.maxBodyBytes()));
            }
            case "/v1/models" -> {
                requireMethod(method, "GET");
                ObjectNode root = HttpExchanges.JSON.createObjectNode();
                root.put("object", "list");
                root.putArray("data").addObject().put("id", modelName).put("object", "model").put("created", 0).put("owned_by", "qwen4j");
                HttpExchanges.json(ex, 200, root);
            }
            case "/v1/chat/completions" -> {
                requireMethod(method, "POST");
                chat.handle(ex, HttpExchanges.body(ex, config.maxBodyBytes()));
            }
            case "/api/chat" -> {
                requireMethod(method, "POST");
                ollama.chat(ex, HttpExchanges.body(ex, config.maxBodyBytes()));
            }
            case "/api/generate" -> {
                requireMethod(method, "POST");
                ollama.generate(ex, HttpExchanges.body(ex, config.maxBodyBytes()));
            }
            case "/api/show" -> {
                requireMethod(method, "POST");
                ollama.show(ex, HttpExchanges.body(ex, config.maxBodyBytes()));
            }
            case "/api/tags" -> ollama.tags(ex);
            case "/api/ps" -> ollama.ps(ex);
            case "/api/version" -> ollama.version(ex);
            default -> throw new ApiException(404, "invalid_request_error", null, "no route for " + method + " " + path);
        }
    }

    private void authorize(HttpExchange ex) {
        if (config.apiKey() == null) return;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.equals("Bearer " + config.apiKey())) {
            throw new ApiException(401, "invalid_request_error", null, "missing or wrong API key (send 'Authorization: Bearer KEY')");
        }
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) throw new ApiException(405, "invalid_request_error", null, "use " + expected + ", not " + actual);
    }

    @Override
    public void close() {
        http.stop(0);
        generations.close();
        executor.shutdownNow();
    }
}
