package io.qwen4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ollama4j.Ollama;
import io.github.ollama4j.models.chat.OllamaChatMessageRole;
import io.github.ollama4j.models.chat.OllamaChatRequest;
import io.github.ollama4j.models.generate.OllamaGenerateRequest;
import io.github.ollama4j.models.generate.OllamaGenerateStreamObserver;
import io.github.ollama4j.models.request.ThinkMode;
import io.github.ollama4j.utils.OptionsBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Ollama endpoints driven by the ollama4j client. */
class OllamaApiTest {
    static TinyServer tiny;
    static Ollama ollama;

    @BeforeAll
    static void start() throws Exception {
        tiny = new TinyServer();
        ollama = new Ollama(tiny.baseUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        tiny.close();
    }

    @Test
    void versionTagsPsAndShow() throws Exception {
        assertThat(ollama.ping()).isTrue();
        assertThat(ollama.getVersion()).isNotBlank();
        assertThat(ollama.listModels()).extracting(m -> m.getName()).containsExactly("tiny");
        assertThat(ollama.ps().getModels()).hasSize(1);
        assertThat(ollama.getModelDetails("tiny").toString()).contains("qwen3");
    }

    @Test
    void chatStreamsTokensAndEndsWithStats() throws Exception {
        var streamed = new StringBuilder();
        var request = OllamaChatRequest.builder().withModel("tiny")
                .withMessage(OllamaChatMessageRole.USER, "hello")
                .withOptions(new OptionsBuilder().setTemperature(0f).setNumPredict(6).build())
                .withStreaming()
                .build();
        var result = ollama.chat(request, part -> {
            if (part.getMessage() != null && part.getMessage().getResponse() != null) streamed.append(part.getMessage().getResponse());
        });
        var last = result.getResponseModel();
        assertThat(last.isDone()).isTrue();
        assertThat(last.getDoneReason()).isIn("stop", "length");
        assertThat(last.getEvalCount()).isBetween(1, 6);
        assertThat(last.getPromptEvalCount()).isPositive();
        assertThat(result.getChatHistory()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(streamed.length()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void generateWithAndWithoutStreamingAgree() throws Exception {
        var options = new OptionsBuilder().setTemperature(0f).setNumPredict(5).build();
        var plain = ollama.generate(OllamaGenerateRequest.builder().withModel("tiny").withPrompt("the sky").withOptions(options).withThink(ThinkMode.DISABLED).withStreaming(false).build(), null);
        var streamed = new StringBuilder();
        var observer = new OllamaGenerateStreamObserver(null, streamed::append);
        var viaStream = ollama.generate(OllamaGenerateRequest.builder().withModel("tiny").withPrompt("the sky").withOptions(options).withThink(ThinkMode.DISABLED).withStreaming(true).build(), observer);
        assertThat(viaStream.getResponse()).isEqualTo(plain.getResponse());
        assertThat(streamed.toString()).isEqualTo(plain.getResponse());
    }

    @Test
    void unknownModelAndBadOptionsAreErrors() throws Exception {
        var request = OllamaChatRequest.builder().withModel("llama9").withMessage(OllamaChatMessageRole.USER, "hi").build();
        assertThatThrownBy(() -> ollama.chat(request, null)).hasMessageContaining("not found");
        var http = HttpClient.newHttpClient();
        var bad = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + "/api/chat"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"options\":{\"temperature\":\"warm\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("'temperature' must be a number");
    }

    @Test
    void loadAndUnloadRequestsAnswerLikeOllama() throws Exception {
        var http = HttpClient.newHttpClient();
        for (String[] c : new String[][] {{"{\"model\": \"tiny\"}", "load"}, {"{\"model\": \"tiny\", \"keep_alive\": 0}", "unload"}}) {
            var r = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + "/api/generate"))
                    .POST(HttpRequest.BodyPublishers.ofString(c[0])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"done\":true").contains("\"done_reason\":\"" + c[1] + "\"");
        }
    }
}
