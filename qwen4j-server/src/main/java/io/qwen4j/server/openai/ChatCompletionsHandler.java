package io.qwen4j.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.Model;
import io.qwen4j.server.ApiException;
import io.qwen4j.server.HttpExchanges;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

/** {@code POST /v1/chat/completions}: one reply, as a JSON body or as server-sent chunks. */
public final class ChatCompletionsHandler {
    private final Model model;
    private final String modelName;

    public ChatCompletionsHandler(Model model, String modelName) {
        this.model = model;
        this.modelName = modelName;
    }

    public void handle(HttpExchange ex, byte[] body) throws IOException {
        JsonNode root;
        try {
            root = HttpExchanges.JSON.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest(null, "the body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        ChatCompletionRequest req;
        try {
            req = ChatCompletionRequest.parse(root);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
        if (!req.model().isEmpty() && !req.model().equals(modelName)) {
            throw new ApiException(404, "invalid_request_error", "model", "model '" + req.model() + "' is not served here (this server serves '" + modelName + "')");
        }
        Generation generation;
        try {
            generation = model.chat(req.messages(), req.thinking(), req.generation());
        } catch (IllegalArgumentException e) { // includes ContextOverflowException: never truncated silently
            throw ApiException.badRequest("messages", e.getMessage());
        }
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) stream(ex, generation, req, id, created);
        else respond(ex, generation, id, created);
    }

    private void respond(HttpExchange ex, Generation generation, String id, long created) throws IOException {
        GenerationEvent.Done done = generation.await();
        ObjectNode root = envelope(id, created, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", done.text());
        choice.put("finish_reason", finishReason(done.reason()));
        usage(root.putObject("usage"), done);
        HttpExchanges.json(ex, 200, root);
    }

    private void stream(HttpExchange ex, Generation generation, ChatCompletionRequest req, String id, long created) throws IOException {
        OutputStream out = HttpExchanges.startEvents(ex);
        try {
            ObjectNode first = chunk(id, created);
            first.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", "");
            HttpExchanges.event(out, first.toString());
            GenerationEvent.Done done = null;
            while (generation.hasNext()) {
                switch (generation.next()) {
                    case GenerationEvent.Token t -> {
                        if (t.text().isEmpty()) continue;
                        ObjectNode c = chunk(id, created);
                        c.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                                .putObject("delta").put("content", t.text());
                        HttpExchanges.event(out, c.toString());
                    }
                    case GenerationEvent.Done d -> done = d;
                }
            }
            ObjectNode last = chunk(id, created);
            last.withArray("choices").addObject().put("index", 0).put("finish_reason", finishReason(done.reason())).putObject("delta");
            HttpExchanges.event(out, last.toString());
            if (req.includeUsage()) {
                ObjectNode u = chunk(id, created);
                u.putArray("choices");
                usage(u.putObject("usage"), done);
                HttpExchanges.event(out, u.toString());
            }
            HttpExchanges.event(out, "[DONE]");
        } catch (IOException e) {
            generation.cancel(); // the client went away: stop generating for it at once
            throw e;
        } finally {
            out.close();
        }
    }

    private ObjectNode envelope(String id, long created, String object) {
        ObjectNode root = HttpExchanges.JSON.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", modelName);
        return root;
    }

    private ObjectNode chunk(String id, long created) {
        return envelope(id, created, "chat.completion.chunk");
    }

    private static void usage(ObjectNode usage, GenerationEvent.Done done) {
        int prompt = done.timings().promptTokens();
        int completion = done.timings().generatedTokens();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
    }

    private static String finishReason(FinishReason r) {
        return r == FinishReason.LENGTH ? "length" : "stop";
    }
}
