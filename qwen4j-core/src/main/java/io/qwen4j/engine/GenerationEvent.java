package io.qwen4j.engine;

import io.qwen4j.sampling.TokenLogprobs;

/** What a running generation emits: text as it is produced, then exactly one {@link Done}. */
public sealed interface GenerationEvent {

    /**
     * Text completed by one token (may be empty while a multi-byte character or a possible stop string is held
     * back). At the end, held-back text is released with {@code id = -1}. {@code logprobs} is null unless the
     * request asked for them.
     */
    record Token(int id, String text, TokenLogprobs logprobs) implements GenerationEvent {
        public Token(int id, String text) {
            this(id, text, null);
        }
    }

    /** The end: why, and what it cost. {@code text} is the whole generated text. */
    record Done(FinishReason reason, String text, Timings timings) implements GenerationEvent {}
}
