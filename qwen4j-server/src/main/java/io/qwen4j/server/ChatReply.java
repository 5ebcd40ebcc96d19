package io.qwen4j.server;

import io.qwen4j.chat.parse.OutputEvent;
import io.qwen4j.chat.parse.OutputParser;
import io.qwen4j.chat.parse.OutputParserOptions;
import io.qwen4j.chat.parse.ParsedOutput;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.sampling.TokenLogprobs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A generation read as a chat reply: its text split by the {@link OutputParser} into content, reasoning and tool
 * calls as the tokens arrive. Every API adapter streams these pieces in its own shape, so reasoning and tool calls
 * are recognised the same way everywhere.
 */
public final class ChatReply {

    /**
     * What one step of the generation settled: parser events (possibly none while a tag may still be forming) and
     * the log-probabilities of the tokens whose text they carry.
     */
    public record Piece(List<OutputEvent> events, List<TokenLogprobs> logprobs) {}

    private final Generation generation;
    private final OutputParser parser; // null: the text is passed through as content
    private final String prefill;
    private final List<TokenLogprobs> allLogprobs = new ArrayList<>();
    private final StringBuilder rawText = new StringBuilder();
    private GenerationEvent.Done done;
    private ParsedOutput output;

    /**
     * @param prefill text the prompt already put in the assistant's mouth (a forced tool call's opening), parsed
     *                before the generated text as if the model had written it
     */
    public ChatReply(Generation generation, OutputParserOptions options, String prefill) {
        this.generation = generation;
        this.parser = options == null ? null : new OutputParser(options);
        this.prefill = prefill;
    }

    /** A raw completion: all text is content, nothing is parsed. */
    public static ChatReply plain(Generation generation) {
        return new ChatReply(generation, null, "");
    }

    private List<OutputEvent> feed(String text) {
        if (parser != null) return parser.feed(text);
        if (!text.isEmpty()) rawText.append(text);
        return text.isEmpty() ? List.of() : List.of(new OutputEvent.ContentDelta(text));
    }

    /** Runs the generation to its end, handing each non-empty piece to {@code sink}; returns the final event. */
    public GenerationEvent.Done stream(Consumer<Piece> sink) {
        var held = new ArrayList<TokenLogprobs>();
        if (!prefill.isEmpty()) emit(sink, feed(prefill), held);
        while (generation.hasNext()) {
            switch (generation.next()) {
                case GenerationEvent.Token t -> {
                    if (t.logprobs() != null) {
                        held.add(t.logprobs());
                        allLogprobs.add(t.logprobs());
                    }
                    emit(sink, feed(t.text()), held);
                }
                case GenerationEvent.Done d -> done = d;
            }
        }
        if (parser != null) emit(sink, parser.flush(), held);
        if (!held.isEmpty()) sink.accept(new Piece(List.of(), List.copyOf(held)));
        output = parser != null ? parser.finish() : new ParsedOutput(rawText.toString(), "", List.of());
        return done;
    }

    /** Runs to the end without streaming; an engine failure becomes a 500. */
    public GenerationEvent.Done await() {
        stream(p -> {});
        Generations.checkNotFailed(generation, done);
        return done;
    }

    private static void emit(Consumer<Piece> sink, List<OutputEvent> events, List<TokenLogprobs> held) {
        if (events.isEmpty()) return;
        sink.accept(new Piece(events, List.copyOf(held)));
        held.clear();
    }

    /** The whole reply, split (after {@link #stream} or {@link #await}). */
    public ParsedOutput output() {
        return output;
    }

    public List<TokenLogprobs> logprobs() {
        return allLogprobs;
    }

    public Generation generation() {
        return generation;
    }

    /** OpenAI's finish reason: {@code tool_calls} when the reply ended by calling tools. */
    public String finishReason() {
        if (done.reason() == FinishReason.LENGTH) return "length";
        return output.hasToolCalls() ? "tool_calls" : "stop";
    }
}
