package io.qwen4j.sampling.constraint;

/**
 * Which token ids may come next in a generation, for {@link io.qwen4j.sampling.Sampler#sample(float[], TokenConstraint)}.
 * Stateful: {@link #accept} moves it past the chosen token. Not thread-safe: one per generation.
 */
public interface TokenConstraint {
    /** Whether {@code token} may come next. */
    boolean allows(int token);

    /**
     * Sets the logit of every token that may not come next to {@code -inf}; returns one token that may (so that a
     * caller whose allowed logits are all {@code -inf} still has a choice).
     *
     * @throws IllegalStateException if no token may come next
     */
    int mask(float[] logits);

    /** Moves past {@code token}, which must be allowed. */
    void accept(int token);

    /** No constraint: every token is allowed. */
    TokenConstraint NONE = new TokenConstraint() {
        @Override
        public boolean allows(int token) {
            return true;
        }

        @Override
        public int mask(float[] logits) {
            return 0;
        }

        @Override
        public void accept(int token) {}
    };
}
