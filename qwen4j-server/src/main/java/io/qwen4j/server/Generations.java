package io.qwen4j.server;

import io.qwen4j.chat.ChatMessage;
import io.qwen4j.engine.BatchScheduler;
import io.qwen4j.engine.ContextOverflowException;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.engine.Model;
import io.qwen4j.engine.QueueFullException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where every API adapter starts its generations: the model's continuous-batching scheduler, with the engine's
 * refusals turned into API errors (a prompt over the context: 400; a full queue: 503).
 */
public final class Generations implements AutoCloseable {
    private final Model model;
    private final BatchScheduler scheduler;

    public Generations(Model model, BatchScheduler.Config config) {
        this.model = model;
        this.scheduler = new BatchScheduler(model, config);
    }

    public Model model() {
        return model;
    }

    public BatchScheduler scheduler() {
        return scheduler;
    }

    public Generation chat(List<ChatMessage> messages, boolean thinking, GenerationRequest request) {
        if (messages.isEmpty()) throw ApiException.badRequest("messages", "'messages' must not be empty");
        return start(() -> scheduler.chat(messages, thinking, request));
    }

    public Generation complete(String prompt, GenerationRequest request) {
        if (prompt.isEmpty()) throw ApiException.badRequest("prompt", "'prompt' must not be empty");
        return start(() -> scheduler.complete(prompt, request));
    }

    private static Generation start(Supplier<Generation> s) {
        try {
            return s.get();
        } catch (ContextOverflowException e) { // never truncated silently
            throw new ApiException(400, "invalid_request_error", "messages", e.getMessage());
        } catch (QueueFullException e) {
            throw new ApiException(503, "server_overloaded", null, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
    }

    /** Runs a generation to its end for a non-streaming response; an engine failure becomes a 500. */
    public static GenerationEvent.Done await(Generation g) {
        GenerationEvent.Done done = g.await();
        checkNotFailed(g, done);
        return done;
    }

    public static void checkNotFailed(Generation g, GenerationEvent.Done done) {
        if (done.reason() == FinishReason.ERROR) {
            throw new ApiException(500, "server_error", null, "generation failed: " + g.failure().map(Throwable::getMessage).orElse("unknown error"));
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }
}
