package io.qwen4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionCreateParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many clients at once: continuous batching, cancellation by disconnect, a full queue, metrics, bad input under load. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerConcurrencyTest {
    static TinyServer tiny;
    static OpenAIClient client;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        tiny = new TinyServer(ApiServer.Config.loopback(0).withParallel(4, 32));
        client = OpenAIOkHttpClient.builder().baseUrl(tiny.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        tiny.close();
    }

    private static ChatCompletionCreateParams chat(String user, int maxTokens) {
        return ChatCompletionCreateParams.builder().model("tiny").addUserMessage(user).maxCompletionTokens(maxTokens).temperature(0.0).build();
    }

    /** Streams one chat and returns its text. */
    private static String streamText(ChatCompletionCreateParams params) {
        var sb = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(sb::append)));
        }
        return sb.toString();
    }

    @Test
    void concurrentStreamsGetTheTextEachWouldGetAlone() throws Exception {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 10; i++) prompts.add("question number " + i);
        List<String> alone = new ArrayList<>();
        for (String p : prompts) alone.add(client.chat().completions().create(chat(p, 10)).choices().getFirst().message().content().orElse(""));
        var futures = prompts.stream().map(p -> CompletableFuture.supplyAsync(() -> streamText(chat(p, 10)))).toList();
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).as(prompts.get(i)).isEqualTo(alone.get(i));
        }
    }

    @Test
    void textCompletionsEndpoint() {
        var c = client.completions().create(CompletionCreateParams.builder()
                .model(CompletionCreateParams.Model.of("tiny")).prompt("Once upon a time").maxTokens(5).temperature(0.0).build());
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().finishReason().asString()).isIn("stop", "length");
        assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 5L);
    }

    /** A prompt whose greedy reply runs to the token limit (random weights may hit the end token early). */
    private static String longRunningPrompt() {
        for (int i = 0; i < 50; i++) {
            String p = "tell a long story " + i;
            var c = client.chat().completions().create(chat(p, 60));
            if (c.choices().getFirst().finishReason().asString().equals("length")) return p;
        }
        throw new AssertionError("no prompt ran to the token limit");
    }

    @Test
    void aClientThatDisconnectsCancelsItsGenerationAndFreesTheSlot() throws Exception {
        String prompt = longRunningPrompt();
        long cancelledBefore = tiny.server.engineMetrics().cancelled();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(chat(prompt, 400))) {
            var it = s.stream().iterator();
            for (int i = 0; i < 3; i++) it.next();
        } // closing the stream drops the connection
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (tiny.server.engineMetrics().cancelled() == cancelledBefore && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(tiny.server.engineMetrics().cancelled()).isGreaterThan(cancelledBefore);
        while (tiny.server.engineMetrics().activeSequences() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(tiny.server.engineMetrics().activeSequences()).isZero();
    }

    @Test
    void aFullQueueAnswers503AndTheServerRecovers() throws Exception {
        try (var one = new TinyServer(ApiServer.Config.loopback(0).withParallel(1, 0));
             var sdk = sdkFor(one)) {
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 2}";
            try (StreamResponse<ChatCompletionChunk> s = sdk.client.chat().completions().createStreaming(chat("keep going", 400))) {
                s.stream().iterator().next(); // the only slot is busy now
                var busy = post(one, "/v1/chat/completions", body);
                assertThat(busy.statusCode()).isEqualTo(503);
                assertThat(busy.body()).contains("\"error\"").contains("busy");
                var ollamaBusy = post(one, "/api/chat", "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"stream\": false}");
                assertThat(ollamaBusy.statusCode()).isEqualTo(503);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            HttpResponse<String> ok;
            do {
                ok = post(one, "/v1/chat/completions", body);
            } while (ok.statusCode() == 503 && System.nanoTime() < deadline);
            assertThat(ok.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void malformedRequestsAreRefusedWhileWellFormedStreamsRun() throws Exception {
        var running = new ArrayList<CompletableFuture<String>>();
        for (int i = 0; i < 3; i++) {
            String p = "background " + i;
            running.add(CompletableFuture.supplyAsync(() -> streamText(chat(p, 30))));
        }
        String[][] bad = {
            {"/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": \"many\"}", "400"},
            {"/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"" + "word ".repeat(600) + "\"}]}", "400"},
            {"/v1/chat/completions", "{\"model\": \"other\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "404"},
            {"/v1/completions", "{\"prompt\": 7}", "400"},
            {"/v1/completions", "{\"prompt\": \"\"}", "400"},
            {"/v1/completions", "{broken", "400"},
            {"/api/chat", "{\"model\": \"tiny\", \"messages\": 3}", "400"},
            {"/api/generate", "{\"model\": \"tiny\", \"prompt\": \"x\", \"options\": []}", "400"},
        };
        for (String[] c : bad) {
            var r = post(tiny, c[0], c[1]);
            assertThat(r.statusCode()).as(c[0] + " " + c[1].substring(0, Math.min(60, c[1].length()))).isEqualTo(Integer.parseInt(c[2]));
            assertThat(r.body()).contains("\"error\"");
        }
        for (var f : running) assertThat(f.get(60, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void metricsInPrometheusFormat() throws Exception {
        client.chat().completions().create(chat("count me", 3));
        var r = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("# TYPE qwen4j_requests_total counter", "# TYPE qwen4j_queue_depth gauge",
                "qwen4j_active_sequences ", "qwen4j_time_to_first_token_seconds_count ", "qwen4j_decode_tokens_per_second ");
        assertThat(value(r.body(), "qwen4j_generated_tokens_total")).isPositive();
        assertThat(value(r.body(), "qwen4j_prompt_tokens_total")).isPositive();
        assertThat(value(r.body(), "qwen4j_slots")).isEqualTo(4);
    }

    private static double value(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1))).findFirst().orElseThrow();
    }

    private record Sdk(OpenAIClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    private static Sdk sdkFor(TinyServer s) {
        return new Sdk(OpenAIOkHttpClient.builder().baseUrl(s.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build());
    }

    private static HttpResponse<String> post(TinyServer s, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
