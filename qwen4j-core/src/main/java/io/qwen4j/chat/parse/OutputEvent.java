package io.qwen4j.chat.parse;

/**
 * What {@link OutputParser} makes of the generated text as it streams in. Deltas of one kind that follow each other
 * within one {@code feed} are merged. Per call: one {@link ToolCallStart}, then argument fragments whose concatenation
 * is the call's arguments JSON, then one {@link ToolCallEnd}.
 */
public sealed interface OutputEvent {

    /** Text for the user. */
    record ContentDelta(String text) implements OutputEvent {}

    /** Text of the model's thinking (between {@code <think>} and {@code </think>}). */
    record ReasoningDelta(String text) implements OutputEvent {}

    /** A tool call begins; {@code index} counts the calls of this output from 0. */
    record ToolCallStart(int index, String id, String name) implements OutputEvent {}

    /** The next piece of the call's arguments, a JSON object written out as text. */
    record ToolCallArgumentsDelta(int index, String jsonFragment) implements OutputEvent {}

    /** The call's arguments are complete. */
    record ToolCallEnd(int index) implements OutputEvent {}
}
