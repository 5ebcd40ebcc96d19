package io.qwen4j.tokenizer;

/**
 * Which added tokens (HF {@code added_tokens}; GGUF CONTROL and USER_DEFINED tokens) are recognised in the
 * text being encoded. Text that is not recognised is encoded as ordinary text.
 */
public enum AddedTokens {
    /** Every added token is matched: for a rendered chat template (HF's default). */
    ALL,
    /**
     * Only added tokens not marked special ({@code <think>}, {@code <tool_call>}, ...): for text a user typed,
     * so that {@code <|im_start|>} in it stays text (HF {@code split_special_tokens=True}, llama.cpp
     * {@code parse_special=false}).
     */
    NON_SPECIAL,
    /** No added token is matched: pure normalisation, pre-tokenization and BPE. */
    NONE
}
