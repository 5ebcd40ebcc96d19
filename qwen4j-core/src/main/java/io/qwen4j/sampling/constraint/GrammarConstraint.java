package io.qwen4j.sampling.constraint;

import io.qwen4j.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * Tokens whose bytes continue a {@link Grammar}'s sentence: a text token is allowed when the recogniser accepts
 * all of its bytes from the current state; an end-of-generation token only when the sentence is complete; no
 * other token ever. Checking one token costs a few byte steps (the sampler's first choice is usually fine);
 * finding them all walks the vocabulary's byte trie, skipping every subtree whose prefix is rejected.
 */
public final class GrammarConstraint implements TokenConstraint {
    private final Tokenizer tokenizer;
    private final VocabularyTrie trie;
    private final boolean[] allowed;
    private GrammarState state;
    private GrammarState maskedState; // the state {@link #allowed} was computed for: inside a string it recurs
    private int allowedCount;

    public GrammarConstraint(Grammar grammar, Tokenizer tokenizer) {
        if (tokenizer.endOfGenerationIds().isEmpty())
            throw new IllegalArgumentException("a grammar constraint needs an end-of-generation token to end the output, and the vocabulary has none");
        this.tokenizer = tokenizer;
        this.trie = VocabularyTrie.of(tokenizer);
        this.allowed = new boolean[tokenizer.vocabSize()];
        this.state = grammar.start();
    }

    /** The constraint for an output format: {@link TokenConstraint#NONE} for free text. */
    public static TokenConstraint of(OutputFormat format, Tokenizer tokenizer) {
        return switch (format) {
            case OutputFormat.Text t -> NONE;
            case OutputFormat.Json json -> new GrammarConstraint(json.grammar(), tokenizer);
        };
    }

    /** Whether the output so far is a complete sentence. */
    public boolean complete() {
        return state.accepting();
    }

    @Override
    public boolean allows(int token) {
        if (token < 0 || token >= allowed.length) return false;
        if (tokenizer.isEndOfGeneration(token)) return state.accepting();
        byte[] bytes = trie.bytes[token];
        return bytes != null && state.advance(bytes) != null;
    }

    @Override
    public int mask(float[] logits) {
        if (!state.equals(maskedState)) {
            Arrays.fill(allowed, false);
            allowedCount = trie.markAllowed(state, allowed);
            if (state.accepting()) {
                for (int id : tokenizer.endOfGenerationIds()) {
                    allowed[id] = true;
                    allowedCount++;
                }
            }
            maskedState = state;
        }
        if (allowedCount == 0) throw new IllegalStateException("no token of the vocabulary continues the constrained output");
        int some = -1;
        for (int id = 0; id < logits.length; id++) {
            // the model may have more logits than the tokenizer has tokens (padding): those are never allowed
            if (id >= allowed.length || !allowed[id]) logits[id] = Float.NEGATIVE_INFINITY;
            else if (some < 0) some = id;
        }
        return some;
    }

    @Override
    public void accept(int token) {
        if (tokenizer.isEndOfGeneration(token) && state.accepting()) return;
        GrammarState next = token >= 0 && token < allowed.length && trie.bytes[token] != null ? state.advance(trie.bytes[token]) : null;
        if (next == null)
            throw new IllegalArgumentException("token " + token + " does not continue the constrained output here");
        state = next;
    }
}
