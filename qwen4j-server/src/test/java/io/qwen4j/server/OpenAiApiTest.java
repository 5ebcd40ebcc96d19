package io.qwen4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server driven by the official OpenAI Java SDK, plus raw HTTP for the malformed requests an SDK never sends. */
class OpenAiApiTest {
    static TinyServer tiny;
    static OpenAIClient client;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        tiny = new TinyServer();
        client = OpenAIOkHttpClient.builder().baseUrl(tiny.baseUrl() + "/v1").apiKey("unused").build();
    }

    @AfterAll
    static void stop() throws Exception {
        tiny.close();
    }

    private static ChatCompletionCreateParams.Builder params(String user, int maxTokens) {
        return ChatCompletionCreateParams.builder().model("tiny").addUserMessage(user).maxCompletionTokens(maxTokens).temperature(0.0);
    }

    @Test
    void chatCompletionWithTheSdk() {
        ChatCompletion c = client.chat().completions().create(params("hello", 6).build());
        assertThat(c.model()).isEqualTo("tiny");
        assertThat(c.choices()).hasSize(1);
        var choice = c.choices().getFirst();
        assertThat(choice.message().content()).isPresent();
        assertThat(choice.finishReason().asString()).isIn("stop", "length");
        var usage = c.usage().orElseThrow();
        assertThat(usage.promptTokens()).isPositive();
        assertThat(usage.completionTokens()).isBetween(1L, 6L);
        assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + usage.completionTokens());
    }

    @Test
    void streamingGivesTheSameTextAsNonStreaming() {
        String whole = client.chat().completions().create(params("the sky", 8).build()).choices().getFirst().message().content().orElse("");
        var sb = new StringBuilder();
        String[] finish = {null};
        long[] usageTokens = {-1};
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                params("the sky", 8).streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(sb::append);
                    ch.finishReason().ifPresent(f -> finish[0] = f.asString());
                });
                chunk.usage().ifPresent(u -> usageTokens[0] = u.completionTokens());
            });
        }
        assertThat(sb.toString()).isEqualTo(whole);
        assertThat(finish[0]).isIn("stop", "length");
        assertThat(usageTokens[0]).isBetween(1L, 8L);
    }

    @Test
    void listsTheModel() {
        assertThat(client.models().list().data()).extracting(m -> m.id()).containsExactly("tiny");
    }

    @Test
    void sdkSeesContextOverflowAsABadRequest() {
        assertThatThrownBy(() -> client.chat().completions().create(params("hello world ".repeat(400), 4).build()))
                .hasMessageContaining("400").hasMessageContaining("context holds 512");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void malformedRequestsGetOpenAiErrorsAndTheServerKeepsServing() throws Exception {
        String[][] cases = {
            {"{not json", "not valid JSON"},
            {"[]", "must be a JSON object"},
            {"{\"messages\": []}", "must not be empty"},
            {"{\"messages\": \"hi\"}", "'messages' must be an array"},
            {"{\"messages\": [{\"role\": \"wizard\", \"content\": \"x\"}]}", "messages[0].role"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": 5}]}", "messages[0].content"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": \"hot\"}", "'temperature' must be a number"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": -1}", "temperature"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_tokens\": 0}", "must be positive"},
            {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"stop\": 3}", "'stop'"},
        };
        for (String[] c : cases) {
            var r = post(c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(r.body()).as(c[0]).contains("\"error\"").contains("invalid_request_error").contains(c[1]);
        }
        var unknownModel = post("{\"model\": \"gpt-9\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");
        assertThat(unknownModel.statusCode()).isEqualTo(404);
        assertThat(unknownModel.body()).contains("gpt-9");
        var huge = post("{\"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(9 << 20) + "\"}]}");
        assertThat(huge.statusCode()).isEqualTo(413);
        var ok = post("{\"messages\": [{\"role\": \"user\", \"content\": \"hello\"}], \"max_tokens\": 2}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("chat.completion");
    }

    @Test
    void oversizedBodiesGetTheir413WhileTheClientIsStillSending() throws Exception {
        // The server must not close the connection under a client that is still writing: the reset would
        // destroy the 413 before the client reads it. Both declared-length and chunked bodies, several times.
        byte[] huge = ("{\"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(12 << 20) + "\"}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        URI uri = URI.create(tiny.baseUrl() + "/v1/chat/completions");
        for (int i = 0; i < 6; i++) {
            var body = i % 2 == 0 ? HttpRequest.BodyPublishers.ofByteArray(huge)
                    : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge));
            var r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json").POST(body).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("attempt %d", i).isEqualTo(413);
            assertThat(r.body()).contains("request body exceeds");
        }
    }

    @Test
    void refusesToListenOnANetworkAddressWithoutAKey() {
        assertThatThrownBy(() -> ApiServer.start(tiny.model, "tiny", new ApiServer.Config("0.0.0.0", 0, null, false, 1024)))
                .hasMessageContaining("without an API key");
    }

    @Test
    void checksTheBearerKey() throws Exception {
        try (var keyed = ApiServer.start(tiny.model, "tiny", new ApiServer.Config("127.0.0.1", 0, "sekret", false, 1 << 20))) {
            var uri = URI.create("http://127.0.0.1:" + keyed.port() + "/v1/models");
            var denied = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(401);
            var allowed = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer sekret").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(allowed.statusCode()).isEqualTo(200);
        }
    }
}
