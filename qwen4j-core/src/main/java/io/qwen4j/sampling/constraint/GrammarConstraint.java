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
        Arrays.fill(allowed, false);
        int count = trie.markAllowed(state, allowed);
        if (state.accepting()) {
            for (int id : tokenizer.endOfGenerationIds()) {
                allowed[id] = true;
                count++;
            }
        }
        if (count == 0) throw new IllegalStateException("no token of the vocabulary continues the constrained output");
        int some = -1;
        for (int id = 0; id < logits.length; id++) {
            if (!allowed[id]) logits[id] = Float.NEGATIVE_INFINITY;
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
