package io.qwen4j.server.openai;

import static io.qwen4j.server.openai.OpenAiShapes.envelope;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.qwen4j.chat.parse.OutputEvent;
import io.qwen4j.chat.parse.ParsedOutput;
import io.qwen4j.chat.parse.ToolCall;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.sampling.TokenLogprobs;
import io.qwen4j.server.ApiException;
import io.qwen4j.server.ChatReply;
import io.qwen4j.server.Generations;
import io.qwen4j.server.HttpExchanges;
import io.qwen4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: one reply, as a JSON body or as server-sent chunks, with the model's thinking
 * in {@code reasoning_content} and its tool calls in {@code tool_calls} (streamed as deltas like OpenAI's).
 */
public final class ChatCompletionsHandler {
    private final Generations generations;
    private final String modelName;
    private final Tokenizer tokenizer;

    public ChatCompletionsHandler(Generations generations, String modelName) {
        this.generations = generations;
        this.modelName = modelName;
        this.tokenizer = generations.model().tokenizer();
    }

    public void handle(HttpExchange ex, byte[] body) throws IOException {
        var root = OpenAiRequests.parse(body);
        ChatCompletionRequest req;
        try {
            req = ChatCompletionRequest.parse(root);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
        OpenAiRequests.checkModel(req.model(), modelName);
        ChatReply reply = generations.chat(req.input(), req.generation());
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (req.stream()) stream(ex, reply, req, id, created);
        else respond(ex, reply, req, id, created);
    }

    private void respond(HttpExchange ex, ChatReply reply, ChatCompletionRequest req, String id, long created) throws IOException {
        GenerationEvent.Done done = reply.await();
        ParsedOutput out = reply.output();
        ObjectNode root = envelope(id, created, "chat.completion", modelName);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (out.content().isEmpty() && out.hasToolCalls()) message.putNull("content");
        else message.put("content", out.content());
        if (!out.reasoning().isEmpty()) message.put("reasoning_content", out.reasoning());
        if (out.hasToolCalls()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ToolCall c : out.toolCalls()) {
                calls.addObject().put("id", c.id()).put("type", "function")
                        .putObject("function").put("name", c.name()).put("arguments", c.argumentsJson());
            }
        }
        if (req.generation().logprobs() >= 0) {
            ObjectNode lp = choice.putObject("logprobs");
            ArrayNode content = lp.putArray("content");
            for (TokenLogprobs t : reply.logprobs()) OpenAiShapes.chatLogprob(content, t, tokenizer);
            lp.putNull("refusal");
        } else {
            choice.putNull("logprobs");
        }
        choice.put("finish_reason", reply.finishReason());
        OpenAiShapes.usage(root.putObject("usage"), done);
        OpenAiShapes.timings(root, done);
        HttpExchanges.json(ex, 200, root);
    }

    private void stream(HttpExchange ex, ChatReply reply, ChatCompletionRequest req, String id, long created) throws IOException {
        OutputStream out = HttpExchanges.startEvents(ex);
        try {
            ObjectNode first = chunk(id, created);
            first.withArray("choices").addObject().put("index", 0).putNull("finish_reason")
                    .putObject("delta").put("role", "assistant").put("content", "");
            HttpExchanges.event(out, first.toString());
            GenerationEvent.Done done;
            try {
                done = reply.stream(piece -> send(out, piece, req, id, created));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            if (OpenAiRequests.streamFailed(out, reply.generation(), done)) return;
            ObjectNode last = chunk(id, created);
            last.withArray("choices").addObject().put("index", 0).put("finish_reason", reply.finishReason()).putObject("delta");
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
            reply.generation().cancel(); // the client went away: stop generating for it at once
            throw e;
        } finally {
            out.close();
        }
    }

    /** One chunk per parser event; the piece's logprobs ride on its first chunk. */
    private void send(OutputStream out, ChatReply.Piece piece, ChatCompletionRequest req, String id, long created) {
        List<TokenLogprobs> lps = req.generation().logprobs() >= 0 ? piece.logprobs() : List.of();
        var events = piece.events().stream().filter(e -> !(e instanceof OutputEvent.ToolCallEnd)).toList();
        if (events.isEmpty() && lps.isEmpty()) return;
        try {
            int n = Math.max(1, events.size());
            for (int i = 0; i < n; i++) {
                ObjectNode c = chunk(id, created);
                ObjectNode choice = c.withArray("choices").addObject().put("index", 0).putNull("finish_reason");
                ObjectNode delta = choice.putObject("delta");
                if (i < events.size()) delta(delta, events.get(i));
                if (i == 0 && !lps.isEmpty()) {
                    ArrayNode content = choice.putObject("logprobs").putArray("content");
                    for (TokenLogprobs t : lps) OpenAiShapes.chatLogprob(content, t, tokenizer);
                }
                HttpExchanges.event(out, c.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delta(ObjectNode delta, OutputEvent e) {
        switch (e) {
            case OutputEvent.ContentDelta d -> delta.put("content", d.text());
            case OutputEvent.ReasoningDelta d -> delta.put("reasoning_content", d.text());
            case OutputEvent.ToolCallStart s -> delta.putArray("tool_calls").addObject().put("index", s.index()).put("id", s.id())
                    .put("type", "function").putObject("function").put("name", s.name()).put("arguments", "");
            case OutputEvent.ToolCallArgumentsDelta a -> delta.putArray("tool_calls").addObject().put("index", a.index())
                    .putObject("function").put("arguments", a.jsonFragment());
            case OutputEvent.ToolCallEnd end -> { }
        }
    }

    private ObjectNode chunk(String id, long created) {
        return envelope(id, created, "chat.completion.chunk", modelName);
    }
}
