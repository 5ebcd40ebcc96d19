package io.qwen4j.engine;

/** Why a generation ended, named as the OpenAI API names them where they overlap. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP,
    /** The token limit or the context was reached. */
    LENGTH,
    /** The caller cancelled. */
    CANCELLED,
    /** The engine failed while running it (see {@link Generation#failure()}); other generations go on. */
    ERROR
}
