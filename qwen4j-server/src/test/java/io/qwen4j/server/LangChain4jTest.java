package io.qwen4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LangChain4j's OpenAI module pointed at the server, as a Java application would use it. */
class LangChain4jTest {
    static TinyServer tiny;

    @BeforeAll
    static void start() throws Exception {
        tiny = new TinyServer();
    }

    @AfterAll
    static void stop() throws Exception {
        tiny.close();
    }

    @Test
    void chatModel() {
        var model = OpenAiChatModel.builder().baseUrl(tiny.baseUrl() + "/v1").apiKey("unused").modelName("tiny")
                .temperature(0.0).maxTokens(6).build();
        ChatResponse r = model.chat(dev.langchain4j.data.message.UserMessage.from("hello"));
        assertThat(r.aiMessage().text()).isNotNull();
        assertThat(r.tokenUsage().outputTokenCount()).isBetween(1, 6);
        assertThat(r.finishReason().name()).isIn("STOP", "LENGTH");
    }

    @Test
    void streamingChatModelDeliversTheSameTextAsTheBlockingOne() throws Exception {
        var blocking = OpenAiChatModel.builder().baseUrl(tiny.baseUrl() + "/v1").apiKey("unused").modelName("tiny")
                .temperature(0.0).maxTokens(8).build();
        String whole = blocking.chat("the sea is");
        var streaming = OpenAiStreamingChatModel.builder().baseUrl(tiny.baseUrl() + "/v1").apiKey("unused").modelName("tiny")
                .temperature(0.0).maxTokens(8).build();
        var partials = new StringBuilder();
        var done = new CompletableFuture<ChatResponse>();
        streaming.chat("the sea is", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                partials.append(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(60, TimeUnit.SECONDS);
        assertThat(partials.toString()).isEqualTo(whole);
        assertThat(response.aiMessage().text()).isEqualTo(whole);
    }
}
