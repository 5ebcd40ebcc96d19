package io.qwen4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JSON-schema output and tool calls through real clients. The model has random weights, so tool calls are asked for
 * with a named or required tool_choice: the server opens the call and constrains its JSON to the tool's schema.
 */
class StructuredOutputTest {
    static TinyServer tiny;
    static OpenAIClient client;
    static final HttpClient http = HttpClient.newHttpClient();

    static final Map<String, Object> WEATHER_PARAMS = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string", "maxLength", 12), "days", Map.of("type", "integer")),
            "required", List.of("city", "days"), "additionalProperties", false);
    static final List<Object> TOOLS = List.of(
            Map.of("type", "function", "function", Map.of("name", "get_weather", "parameters", WEATHER_PARAMS)),
            Map.of("type", "function", "function", Map.of("name", "get_time", "parameters",
                    Map.of("type", "object", "properties", Map.of("zone", Map.of("enum", List.of("UTC", "CET"))), "required", List.of("zone")))));

    @BeforeAll
    static void start() throws Exception {
        tiny = new TinyServer();
        client = OpenAIOkHttpClient.builder().baseUrl(tiny.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        tiny.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String user) {
        return ChatCompletionCreateParams.builder().model("tiny").addUserMessage(user).maxCompletionTokens(200)
                .temperature(1.0).seed(3);
    }

    private static void assertWeatherArguments(String json) throws Exception {
        JsonNode args = HttpExchanges.JSON.readTree(json);
        assertThat(args.get("city").isTextual()).as(json).isTrue();
        assertThat(args.get("days").canConvertToInt()).as(json).isTrue();
        assertThat(args.size()).isEqualTo(2);
    }

    @Test
    void jsonSchemaOutputWithTheSdk() throws Exception {
        var schema = Map.of("type", "object", "properties", Map.of("answer", Map.of("type", "string", "maxLength", 20),
                "confidence", Map.of("type", "number")), "required", List.of("answer", "confidence"), "additionalProperties", false);
        ChatCompletion c = client.chat().completions().create(ask("answer in JSON")
                .putAdditionalBodyProperty("response_format", JsonValue.from(Map.of("type", "json_schema",
                        "json_schema", Map.of("name", "reply", "schema", schema)))).build());
        String content = c.choices().getFirst().message().content().orElseThrow();
        JsonNode json = HttpExchanges.JSON.readTree(content);
        assertThat(json.get("answer").isTextual()).as(content).isTrue();
        assertThat(json.get("confidence").isNumber()).as(content).isTrue();
        assertThat(c.choices().getFirst().finishReason().asString()).isEqualTo("stop");

        // Any object: random weights may write one long string until the budget runs out; what is there is still JSON so far.
        ChatCompletion any = client.chat().completions().create(ask("any JSON")
                .putAdditionalBodyProperty("response_format", JsonValue.from(Map.of("type", "json_object"))).build());
        String text = any.choices().getFirst().message().content().orElseThrow();
        if (any.choices().getFirst().finishReason().asString().equals("stop")) assertThat(HttpExchanges.JSON.readTree(text).isObject()).isTrue();
        else assertThat(text.stripLeading()).startsWith("{");
    }

    @Test
    void namedToolCallWithTheSdkBlockingAndStreamed() throws Exception {
        var params = ask("weather in Oslo?")
                .putAdditionalBodyProperty("tools", JsonValue.from(TOOLS))
                .putAdditionalBodyProperty("tool_choice", JsonValue.from(Map.of("type", "function", "function", Map.of("name", "get_weather"))))
                .build();
        ChatCompletion c = client.chat().completions().create(params);
        var choice = c.choices().getFirst();
        assertThat(choice.finishReason().asString()).isEqualTo("tool_calls");
        List<ChatCompletionMessageToolCall> calls = choice.message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        var fn = calls.getFirst().asFunction();
        assertThat(fn.function().name()).isEqualTo("get_weather");
        assertThat(fn.id()).startsWith("call_");
        assertWeatherArguments(fn.function().arguments());

        // The same call streamed: a start delta with id and name, then argument fragments that add up.
        var args = new StringBuilder();
        var names = new StringBuilder();
        String[] finish = {null};
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            s.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
                ch.delta().toolCalls().ifPresent(tcs -> tcs.forEach(tc -> {
                    assertThat(tc.index()).isZero();
                    tc.function().ifPresent(f -> {
                        f.name().ifPresent(names::append);
                        f.arguments().ifPresent(args::append);
                    });
                }));
                ch.finishReason().ifPresent(f -> finish[0] = f.asString());
            }));
        }
        assertThat(names.toString()).isEqualTo("get_weather");
        assertThat(finish[0]).isEqualTo("tool_calls");
        assertThat(HttpExchanges.JSON.readTree(args.toString())).isEqualTo(HttpExchanges.JSON.readTree(fn.function().arguments()));
    }

    @Test
    void requiredToolChoiceCallsOneOfTheTools() throws Exception {
        ChatCompletion c = client.chat().completions().create(ask("do something")
                .putAdditionalBodyProperty("tools", JsonValue.from(TOOLS))
                .putAdditionalBodyProperty("tool_choice", JsonValue.from("required")).build());
        var fn = c.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction().function();
        assertThat(fn.name()).isIn("get_weather", "get_time");
        JsonNode args = HttpExchanges.JSON.readTree(fn.arguments());
        if (fn.name().equals("get_time")) assertThat(args.get("zone").asText()).isIn("UTC", "CET");
        else assertWeatherArguments(fn.arguments());
    }

    @Test
    void langChain4jToolCall() throws Exception {
        var model = OpenAiChatModel.builder().baseUrl(tiny.baseUrl() + "/v1").apiKey("unused").modelName("tiny")
                .temperature(1.0).seed(5).maxTokens(200).build();
        var weather = ToolSpecification.builder().name("get_weather").description("weather for a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").addIntegerProperty("days").required("city", "days").build())
                .build();
        var response = model.chat(ChatRequest.builder().messages(dev.langchain4j.data.message.UserMessage.from("weather?"))
                .toolSpecifications(weather).toolChoice(ToolChoice.REQUIRED).build());
        var requests = response.aiMessage().toolExecutionRequests();
        assertThat(requests).hasSize(1);
        assertThat(requests.getFirst().name()).isEqualTo("get_weather");
        JsonNode args = HttpExchanges.JSON.readTree(requests.getFirst().arguments());
        assertThat(args.get("city").isTextual()).isTrue();
        assertThat(args.get("days").canConvertToInt()).isTrue();
    }

    @Test
    void ollamaFormatSchemaAndToolsOverNdjson() throws Exception {
        String schema = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}, \"required\": [\"n\"]}";
        var r = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + "/api/chat")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\": \"tiny\", \"stream\": false, \"format\": " + schema + ", \"messages\": [{\"role\": \"user\", \"content\": \"a number\"}], "
                        + "\"options\": {\"temperature\": 1.0, \"seed\": 2, \"num_predict\": 100}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode content = HttpExchanges.JSON.readTree(HttpExchanges.JSON.readTree(r.body()).at("/message/content").asText());
        assertThat(content.get("n").canConvertToLong()).isTrue();

        var bad = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + "/api/chat")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\": \"tiny\", \"format\": {\"type\": \"bogus\"}, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"error\"");

        // Ollama's API has no tool_choice; a streamed reply keeps NDJSON lines well-formed and ends done.
        var streamed = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + "/api/chat")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\": \"tiny\", \"messages\": [{\"role\": \"user\", \"content\": \"weather?\"}], \"tools\": "
                        + HttpExchanges.JSON.writeValueAsString(TOOLS) + ", \"options\": {\"num_predict\": 5}}")).build(), HttpResponse.BodyHandlers.ofLines());
        var lines = streamed.body().map(l -> {
            try {
                return HttpExchanges.JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertThat(lines.getLast().get("done").asBoolean()).isTrue();
        lines.subList(0, lines.size() - 1).forEach(l -> assertThat(l.get("done").asBoolean()).isFalse());
    }
}
