package io.qwen4j.server.openai;

import static io.qwen4j.server.openai.OpenAiShapes.envelope;
import static io.qwen4j.server.openai.OpenAiShapes.finishReason;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.server.ApiException;
import io.qwen4j.server.Generations;
import io.qwen4j.server.HttpExchanges;
import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

/** {@code POST /v1/chat/completions}: one reply, as a JSON body or as server-sent chunks. */
public final class ChatCompletionsHandler {
    private final Generations generations;
    private final String modelName;

    public ChatCompletionsHandler(Generations generations, String modelName) {
        this.generations = generations;
        this.modelName = modelName;
    }

    public void handle(HttpExchange ex, byte[] body) throws IOException {
        JsonNode root = OpenAiRequests.parse(body);
        ChatCompletionRequest req;
        try {
            req = ChatCompletionRequest.parse(root);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
        OpenAiRequests.checkModel(req.model(), modelName);
        Generation generation = generations.chat(req.messages(), req.thinking(), req.generation());
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) stream(ex, generation, req, id, created);
        else respond(ex, generation, id, created);
    }

    private void respond(HttpExchange ex, Generation generation, String id, long created) throws IOException {
        GenerationEvent.Done done = Generations.await(generation);
        ObjectNode root = envelope(id, created, "chat.completion", modelName);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", done.text());
        choice.put("finish_reason", finishReason(done.reason()));
        OpenAiShapes.usage(root.putObject("usage"), done);
        OpenAiShapes.timings(root, done);
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
            if (OpenAiRequests.streamFailed(out, generation, done)) return;
            ObjectNode last = chunk(id, created);
            last.withArray("choices").addObject().put("index", 0).put("finish_reason", finishReason(done.reason())).putObject("delta");
            OpenAiShapes.timings(last, done);
            HttpExchanges.event(out, last.toString());
            if (req.includeUsage()) {
                ObjectNode u = chunk(id, created);
                u.putArray("choices");
                OpenAiShapes.usage(u.putObject("usage"), done);
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

    private ObjectNode chunk(String id, long created) {
        return envelope(id, created, "chat.completion.chunk", modelName);
    }
}
