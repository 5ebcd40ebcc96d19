package io.qwen4j.server.openai;

import static io.qwen4j.server.openai.OpenAiShapes.envelope;
import static io.qwen4j.server.openai.OpenAiShapes.finishReason;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.sampling.TokenLogprobs;
import io.qwen4j.server.ApiException;
import io.qwen4j.tokenizer.Tokenizer;
import io.qwen4j.server.Generations;
import io.qwen4j.server.HttpExchanges;
import io.qwen4j.server.JsonFields;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

/** {@code POST /v1/completions}: the legacy text completion of a raw prompt (no chat template), JSON or SSE. */
public final class CompletionsHandler {
    private final Generations generations;
    private final String modelName;

    private final Tokenizer tokenizer;

    public CompletionsHandler(Generations generations, String modelName) {
        this.generations = generations;
        this.modelName = modelName;
        this.tokenizer = generations.model().tokenizer();
    }

    public void handle(HttpExchange ex, byte[] body) throws IOException {
        JsonNode root = OpenAiRequests.parse(body);
        OpenAiRequests.checkModel(JsonFields.text(root, "model", ""), modelName);
        JsonNode promptNode = root.get("prompt");
        String prompt;
        if (promptNode != null && promptNode.isTextual()) {
            prompt = promptNode.asText();
        } else if (promptNode != null && promptNode.isArray() && promptNode.size() == 1 && promptNode.get(0).isTextual()) {
            prompt = promptNode.get(0).asText();
        } else {
            throw ApiException.badRequest("prompt", "'prompt' must be a string (or an array of one string)");
        }
        if (root.has("n") && JsonFields.integer(root, "n") != 1) throw ApiException.badRequest("n", "only n = 1 is supported");
        GenerationRequest request;
        try {
            request = ChatCompletionRequest.generationRequest(root);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
        Integer logprobs = JsonFields.integer(root, "logprobs");
        if (logprobs != null) {
            if (logprobs < 0 || logprobs > 5) throw ApiException.badRequest("logprobs", "'logprobs' must be in 0..5");
            request = request.withLogprobs(logprobs);
        }
        boolean echo = JsonFields.bool(root, "echo", false);
        Generation generation = generations.complete(prompt, request);
        String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (JsonFields.bool(root, "stream", false)) {
            JsonNode so = root.get("stream_options");
            stream(ex, generation, echo ? prompt : "", so != null && so.isObject() && JsonFields.bool(so, "include_usage", false), id, created);
        } else {
            var lps = new java.util.ArrayList<TokenLogprobs>();
            GenerationEvent.Done done = generation.stream(e -> {
                if (e instanceof GenerationEvent.Token t && t.logprobs() != null) lps.add(t.logprobs());
            });
            Generations.checkNotFailed(generation, done);
            ObjectNode out = envelope(id, created, "text_completion", modelName);
            ObjectNode c = choice(out, (echo ? prompt : "") + done.text(), finishReason(done.reason()));
            if (logprobs != null) OpenAiShapes.completionLogprobs(c, lps, tokenizer, echo ? prompt.length() : 0);
            OpenAiShapes.usage(out.putObject("usage"), done);
            OpenAiShapes.timings(out, done);
            HttpExchanges.json(ex, 200, out);
        }
    }

    private static ObjectNode choice(ObjectNode out, String text, String finish) {
        ObjectNode c = out.putArray("choices").addObject();
        c.put("index", 0);
        c.put("text", text);
        c.putNull("logprobs");
        if (finish == null) c.putNull("finish_reason");
        else c.put("finish_reason", finish);
        return c;
    }

    private void stream(HttpExchange ex, Generation generation, String echo, boolean includeUsage, String id, long created) throws IOException {
        OutputStream out = HttpExchanges.startEvents(ex);
        try {
            if (!echo.isEmpty()) {
                ObjectNode c = envelope(id, created, "text_completion", modelName);
                choice(c, echo, null);
                HttpExchanges.event(out, c.toString());
            }
            GenerationEvent.Done done = null;
            while (generation.hasNext()) {
                switch (generation.next()) {
                    case GenerationEvent.Token t -> {
                        if (t.text().isEmpty() && t.logprobs() == null) continue;
                        ObjectNode c = envelope(id, created, "text_completion", modelName);
                        ObjectNode ch = choice(c, t.text(), null);
                        if (t.logprobs() != null) OpenAiShapes.completionLogprobs(ch, java.util.List.of(t.logprobs()), tokenizer, 0);
                        HttpExchanges.event(out, c.toString());
                    }
                    case GenerationEvent.Done d -> done = d;
                }
            }
            if (OpenAiRequests.streamFailed(out, generation, done)) return;
            ObjectNode last = envelope(id, created, "text_completion", modelName);
            choice(last, "", finishReason(done.reason()));
            if (includeUsage) OpenAiShapes.usage(last.putObject("usage"), done);
            OpenAiShapes.timings(last, done);
            HttpExchanges.event(out, last.toString());
            HttpExchanges.event(out, "[DONE]");
        } catch (IOException e) {
            generation.cancel();
            throw e;
        } finally {
            out.close();
        }
    }
}
