package io.qwen4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.qwen4j.hub.HubConfig;
import io.qwen4j.model.synthetic.RandomModelWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pull, list, rm and a reference in place of a file, through picocli, against a minimal local Hugging Face
 * (tree listing and resolve; the core hub tests cover redirects, resume and faults) serving a generated model.
 */
class HubCommandsTest {
    @TempDir
    Path dir;

    HttpServer server;
    byte[] model;
    final AtomicInteger downloads = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), file);
        model = Files.readAllBytes(file);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/models/Qwen/Qwen3-0.6B-GGUF/tree/main", ex -> send(ex, 200,
                ("[{\"type\":\"file\",\"path\":\"Qwen3-0.6B-Q8_0.gguf\",\"size\":" + model.length
                        + ",\"lfs\":{\"oid\":\"" + sha + "\",\"size\":" + model.length + "}}]").getBytes(StandardCharsets.UTF_8)));
        server.createContext("/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf", ex -> {
            downloads.incrementAndGet();
            send(ex, 200, model);
        });
        server.createContext("/", ex -> send(ex, 404, "{}".getBytes(StandardCharsets.UTF_8)));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    record Result(int exitCode, String out, String err) {}

    Result run(String... args) {
        var hub = new HubConfig(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null, dir.resolve("home"), Duration.ofSeconds(20), 0);
        var out = new ByteArrayOutputStream();
        var err = new StringWriter();
        PrintStream saved = System.out;
        synchronized (CliTest.class) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                var cl = Main.commandLine(() -> hub, args.length > 0 ? args[0] : null);
                cl.setErr(new PrintWriter(err, true));
                int code = cl.execute(args);
                return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
            } finally {
                System.setOut(saved);
            }
        }
    }

    @Test
    void pullListRunAndRemove() throws IOException {
        var pull = run("pull", "qwen3:0.6b");
        assertThat(pull.exitCode()).as(pull.err()).isZero();
        Path stored = dir.resolve("home/models/Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf");
        assertThat(pull.out()).startsWith("hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0  ").contains(stored.toString());
        assertThat(Files.readAllBytes(stored)).isEqualTo(model);

        var list = run("list");
        assertThat(list.out().lines().toList()).hasSize(2);
        assertThat(list.out()).startsWith("REF").contains("hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0", "Q8_0", " KB", stored.toString());

        // A reference in place of a file: found in the store, nothing downloaded again.
        var answer = run("run", "qwen3:0.6b", "Hello", "--temp", "0", "-n", "3");
        assertThat(answer.exitCode()).as(answer.err()).isZero();
        var inspect = run("inspect", "Qwen/Qwen3-0.6B-GGUF", "--no-tensors");
        assertThat(inspect.out()).contains("general.architecture").contains(stored.toString());
        assertThat(downloads).hasValue(1);

        var rm = run("rm", "hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0");
        assertThat(rm.exitCode()).as(rm.err()).isZero();
        assertThat(rm.out()).startsWith("removed hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0");
        assertThat(stored).doesNotExist();
        assertThat(run("list").out()).startsWith("no models in");
    }

    @Test
    void aMissingModelIsPulledOnFirstRun() {
        var answer = run("run", "Qwen/Qwen3-0.6B-GGUF:q8_0", "Hello", "--temp", "0", "-n", "3");
        assertThat(answer.exitCode()).as(answer.err()).isZero();
        assertThat(downloads).hasValue(1);
        assertThat(run("list").out()).contains("hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0");
    }

    @Test
    void errorsAreOneLine() {
        var missing = run("pull", "Qwen/Nope-GGUF");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: repository not found: Qwen/Nope-GGUF" + System.lineSeparator());
        var quant = run("pull", "qwen3:0.6b-q5_k_m");
        assertThat(quant.err()).startsWith("error: no Q5_K_M file in repository Qwen/Qwen3-0.6B-GGUF; available: Q8_0");
        assertThat(run("rm", "qwen3:0.6b").err()).startsWith("error: no stored model hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0");
        assertThat(run("pull", "not a ref").err()).startsWith("error: not a model reference: 'not a ref'");
        // A path that is not a reference keeps the file error.
        assertThat(run("run", dir.resolve("nope.gguf").toString(), "hi").err()).contains("no such model file");
    }
}
