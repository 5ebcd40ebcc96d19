package io.qwen4j.sampling.constraint;

import java.util.ArrayList;
import java.util.HashSet;

/**
 * Where a {@link Grammar}'s recogniser stands after some bytes: the set of parse stacks still alive, each with a
 * byte set on top (llama.cpp {@code llama_grammar_stacks}), and whether the bytes so far are a whole sentence.
 * Immutable: {@link #advance(byte)} returns a new state, so a token's bytes can be tried from one state many times.
 */
public final class GrammarState {
    /** A parse stack: the next element to match is {@code sequences[sequence][index]}, then the rest. */
    private record Frame(int sequence, int index, Frame next) {}

    /** More live stacks than this means a grammar far more ambiguous than any schema needs: refuse, do not hang. */
    static final int MAX_STACKS = 4096;

    /** The stacks being collected, without duplicates: a list, and a hash set once the list is no longer short. */
    private static final class Stacks {
        final ArrayList<Frame> list = new ArrayList<>(8);
        HashSet<Frame> seen;

        void add(Frame f) {
            if (seen == null) {
                if (list.contains(f)) return;
                if (list.size() == 16) seen = new HashSet<>(list);
            }
            if (seen != null && !seen.add(f)) return;
            if (list.size() == MAX_STACKS)
                throw new IllegalStateException("the grammar is too ambiguous: more than " + MAX_STACKS + " parse stacks alive at once");
            list.add(f);
        }

        Frame[] toArray() {
            return list.toArray(Frame[]::new);
        }
    }

    private final Grammar grammar;
    private final Frame[] stacks;
    private final boolean accepting;

    private GrammarState(Grammar grammar, Frame[] stacks, boolean accepting) {
        this.grammar = grammar;
        this.stacks = stacks;
        this.accepting = accepting;
    }

    static GrammarState start(Grammar grammar, int rootSequence) {
        var out = new Stacks();
        boolean accepting = expand(grammar, new Frame(rootSequence, 0, null), out);
        return new GrammarState(grammar, out.toArray(), accepting);
    }

    /** Whether the bytes so far form a complete sentence of the grammar. */
    public boolean accepting() {
        return accepting;
    }

    /** Whether no byte can follow (the sentence is complete and cannot be extended). */
    public boolean finished() {
        return stacks.length == 0;
    }

    /** The state after one more byte, or {@code null} if the grammar does not allow it here. */
    public GrammarState advance(byte value) {
        int b = value & 0xFF;
        Stacks out = null;
        boolean accepts = false;
        for (Frame f : stacks) {
            if (!grammar.setContains(grammar.sequences[f.sequence][f.index], b)) continue;
            if (out == null) out = new Stacks();
            accepts |= expand(grammar, after(grammar, f), out);
        }
        return out == null ? null : new GrammarState(grammar, out.toArray(), accepts);
    }

    /** The state after these bytes, or {@code null} if one of them is not allowed. */
    public GrammarState advance(byte[] bytes) {
        GrammarState s = this;
        for (int i = 0; i < bytes.length && s != null; i++) s = s.advance(bytes[i]);
        return s;
    }

    /** Whether some byte can follow: the allowed bytes, as a 256-entry mask. */
    public boolean[] allowedBytes() {
        var allowed = new boolean[256];
        for (Frame f : stacks) {
            int set = grammar.sequences[f.sequence][f.index];
            for (int b = 0; b < 256; b++) allowed[b] |= grammar.setContains(set, b);
        }
        return allowed;
    }

    /** Same stacks (compared by content) and the same completeness: every continuation is the same. */
    @Override
    public boolean equals(Object o) {
        return o instanceof GrammarState other && grammar == other.grammar && accepting == other.accepting
                && java.util.Arrays.equals(stacks, other.stacks);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(stacks) * 31 + (accepting ? 1 : 0);
    }

    /** The frame past its top element: the next element of its sequence, or the parent's continuation. */
    private static Frame after(Grammar g, Frame f) {
        return f.index + 1 < g.sequences[f.sequence].length ? new Frame(f.sequence, f.index + 1, f.next) : f.next;
    }

    /**
     * llama_grammar_advance_stack: replaces rule references on top of {@code f} by their alternatives until every
     * stack has a byte set on top, adding those stacks to {@code out}; returns whether some stack emptied (the
     * input may end here).
     */
    private static boolean expand(Grammar g, Frame f, Stacks out) {
        if (f == null) return true;
        int element = g.sequences[f.sequence][f.index];
        if (element >= 0) {
            out.add(f);
            return false;
        }
        Frame rest = after(g, f);
        boolean accepts = false;
        for (int alternative : g.rules[-element - 1]) {
            accepts |= g.sequences[alternative].length == 0
                    ? expand(g, rest, out)
                    : expand(g, new Frame(alternative, 0, rest), out);
        }
        return accepts;
    }
}
