package io.qwen4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.ChatFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reasoning split, prefix reuse across requests, logprobs and tool definitions over raw HTTP, on a tiny model whose
 * template opens {@code <think>} in the prompt like Qwen3.5's (so a random-weight reply is all reasoning).
 */
class ChatFeaturesTest {
    static final String THINKING_TEMPLATE = """
            {%- for message in messages %}{{ '<|im_start|>' + message.role + '\\n' + (message.content or '') + '<|im_end|>\\n' }}{%- endfor %}
            {%- if tools %}{{ '<|im_start|>system\\n# Tools\\n' }}{%- for t in tools %}{{ t.function.name + '\\n' }}{%- endfor %}{{ '<|im_end|>\\n' }}{%- endif %}
            {%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- if enable_thinking is defined and enable_thinking is false %}{{ '<think>\\n\\n</think>\\n\\n' }}{%- else %}{{ '<think>\\n' }}{%- endif %}{%- endif %}""";

    static TinyServer tiny;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        tiny = new TinyServer();
        tiny.model.setChatFormat(ChatFormat.of(THINKING_TEMPLATE, null, null, "a test template"));
    }

    @AfterAll
    static void stop() throws Exception {
        tiny.close();
    }

    private static JsonNode post(String path, String body, int expectedStatus) throws Exception {
        var r = http.send(HttpRequest.newBuilder(URI.create(tiny.baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
        return HttpExchanges.JSON.readTree(r.body());
    }

    @Test
    void aReplyThatStartsInsideThinkingIsReasoningNotContent() throws Exception {
        // Sampled with a seed: greedy decoding of random weights can repeat a control token, which has no text.
        String sampling = "\"max_tokens\": 16, \"temperature\": 1.0, \"seed\": 7";
        JsonNode thinking = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], " + sampling + "}", 200);
        JsonNode message = thinking.at("/choices/0/message");
        assertThat(message.path("reasoning_content").asText()).isNotEmpty();
        assertThat(message.path("content").asText()).doesNotContain("<think>", "</think>"); // text after a sampled </think> is content

        JsonNode off = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 8, \"temperature\": 0, "
                + "\"chat_template_kwargs\": {\"enable_thinking\": false}}", 200);
        assertThat(off.at("/choices/0/message").has("reasoning_content")).isFalse();
        assertThat(off.at("/choices/0/message/content").asText()).isNotEmpty();

        JsonNode ollama = post("/api/chat", "{\"model\": \"tiny\", \"stream\": false, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], "
                + "\"options\": {\"num_predict\": 16, \"temperature\": 1.0, \"seed\": 7}}", 200);
        assertThat(ollama.at("/message/thinking").asText()).isEqualTo(message.path("reasoning_content").asText());
        assertThat(ollama.at("/message/content").asText()).isEqualTo(message.path("content").asText());
    }

    @Test
    void theNextTurnReusesTheCachedPrefixAndSaysSo() throws Exception {
        String history = "{\"role\": \"system\", \"content\": \"" + "You answer questions about the sea. ".repeat(6) + "\"}, {\"role\": \"user\", \"content\": \"first\"}";
        JsonNode first = post("/v1/chat/completions", "{\"messages\": [" + history + "], \"max_tokens\": 4, \"temperature\": 0}", 200);
        String reply = first.at("/choices/0/message/reasoning_content").asText();
        JsonNode second = post("/v1/chat/completions", "{\"messages\": [" + history + ", {\"role\": \"assistant\", \"content\": "
                + HttpExchanges.JSON.writeValueAsString(reply) + "}, {\"role\": \"user\", \"content\": \"second\"}], \"max_tokens\": 4, \"temperature\": 0}", 200);
        int cached = second.at("/usage/prompt_tokens_details/cached_tokens").asInt();
        assertThat(cached).isGreaterThan(second.at("/usage/prompt_tokens").asInt() / 2);
        assertThat(second.at("/timings/cache_n").asInt()).isEqualTo(cached);
        assertThat(second.at("/timings/prompt_n").asInt()).isEqualTo(second.at("/usage/prompt_tokens").asInt() - cached);
    }

    @Test
    void logprobsForEveryToken() throws Exception {
        JsonNode r = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 5, \"temperature\": 0, "
                + "\"logprobs\": true, \"top_logprobs\": 3}", 200);
        JsonNode content = r.at("/choices/0/logprobs/content");
        int completion = r.at("/usage/completion_tokens").asInt(); // counts a final end-of-generation token, which has no text
        assertThat(content.size()).isBetween(completion - 1, completion).isPositive();
        for (JsonNode t : content) {
            assertThat(t.get("logprob").asDouble()).isLessThanOrEqualTo(0);
            assertThat(t.get("top_logprobs")).hasSize(3);
            // Greedy: the chosen token is the most likely one.
            assertThat(t.get("logprob").asDouble()).isEqualTo(t.at("/top_logprobs/0/logprob").asDouble());
        }
        JsonNode legacy = post("/v1/completions", "{\"prompt\": \"once\", \"max_tokens\": 3, \"temperature\": 0, \"logprobs\": 2}", 200);
        int legacyCompletion = legacy.at("/usage/completion_tokens").asInt();
        assertThat(legacy.at("/choices/0/logprobs/tokens").size()).isBetween(legacyCompletion - 1, legacyCompletion);
        post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"top_logprobs\": 3}", 400);
    }

    @Test
    void toolDefinitionsAreValidatedAndRendered() throws Exception {
        String tools = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\", "
                + "\"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}]";
        JsonNode ok = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"weather?\"}], \"max_tokens\": 3, \"tools\": " + tools + "}", 200);
        assertThat(ok.at("/choices/0/finish_reason").asText()).isIn("stop", "length", "tool_calls");
        int withTools = ok.at("/usage/prompt_tokens").asInt();
        JsonNode none = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"weather?\"}], \"max_tokens\": 3, \"tools\": "
                + tools + ", \"tool_choice\": \"none\"}", 200);
        assertThat(none.at("/usage/prompt_tokens").asInt()).isLessThan(withTools); // tool_choice none: tools not shown
        String[] broken = {
            "\"tools\": {}",
            "\"tools\": [{\"type\": \"function\"}]",
            "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"\"}}]",
            "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": \"object\"}}]",
            "\"tools\": [{\"type\": \"retrieval\", \"function\": {\"name\": \"f\"}}]",
            "\"tools\": " + tools + ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"nope\"}}",
            "\"tool_choice\": \"required\"",
            "\"tools\": " + tools + ", \"tool_choice\": \"sometimes\"",
        };
        for (String b : broken) {
            JsonNode err = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], " + b + "}", 400);
            assertThat(err.at("/error/type").asText()).as(b).isEqualTo("invalid_request_error");
        }
        JsonNode history = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"weather?\"}, {\"role\": \"assistant\", \"content\": null, "
                + "\"tool_calls\": [{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}}]}, "
                + "{\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"rain\"}], \"max_tokens\": 2, \"tools\": " + tools + "}", 200);
        assertThat(history.at("/choices/0/message/role").asText()).isEqualTo("assistant");
    }
}
