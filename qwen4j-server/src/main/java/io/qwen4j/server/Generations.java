package io.qwen4j.server;

import io.qwen4j.chat.parse.OutputParserOptions;
import io.qwen4j.chat.template.TemplateException;
import io.qwen4j.engine.BatchScheduler;
import io.qwen4j.engine.ChatPrompt;
import io.qwen4j.engine.ContextOverflowException;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.engine.Model;
import io.qwen4j.engine.QueueFullException;
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

    /**
     * Starts the assistant's reply to a conversation, read back as content, reasoning and tool calls. A required or
     * named tool choice is enforced by opening the call in the prompt (thinking is then skipped, since the reply
     * must begin with the call): the model continues from {@code <tool_call>} (and the function name when named).
     */
    public ChatReply chat(ChatInput input, GenerationRequest request) {
        if (input.messages().isEmpty()) throw ApiException.badRequest("messages", "'messages' must not be empty");
        boolean tools = input.toolsOffered();
        boolean forced = input.toolChoice() instanceof ChatInput.ToolChoice.Required || input.toolChoice() instanceof ChatInput.ToolChoice.Named;
        ChatPrompt prompt;
        try {
            prompt = model.renderChat(input.messages(), tools ? input.tools() : null, input.thinking() && !forced);
        } catch (TemplateException e) {
            throw ApiException.badRequest("messages", e.getMessage());
        }
        String prefill = forced ? toolCallOpening(input.toolChoice()) : "";
        int[] tokens = prefill.isEmpty() ? prompt.tokens() : model.tokenizer().encode(prompt.text() + prefill);
        Generation g = start(() -> scheduler.submit(tokens, request));
        boolean reasoning = prompt.startsInReasoning() && !forced;
        var options = tools ? OutputParserOptions.withTools(reasoning, input.toolSchemas()) : OutputParserOptions.of(reasoning);
        return new ChatReply(g, options, prefill);
    }

    /** The start of a tool call in the format the model's template teaches. */
    private String toolCallOpening(ChatInput.ToolChoice choice) {
        if (!(choice instanceof ChatInput.ToolChoice.Named(String name))) return "<tool_call>\n";
        return model.chatFormat().xmlToolCalls()
                ? "<tool_call>\n<function=" + name + ">\n"
                : "<tool_call>\n{\"name\": \"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\", \"arguments\": ";
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
