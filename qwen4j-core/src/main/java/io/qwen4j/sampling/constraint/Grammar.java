package io.qwen4j.sampling.constraint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A context-free grammar over bytes, as llama.cpp's GBNF grammars are over characters (src/llama-grammar.cpp):
 * rules are lists of alternatives, an alternative is a sequence of elements, and an element is either a set of
 * bytes or a reference to a rule. Recognised incrementally by {@link GrammarState}, which keeps every parse stack
 * still alive, as {@code llama_grammar_advance_stack} does. Immutable; built by {@link Builder}, usually through
 * {@link JsonSchemaCompiler}.
 *
 * <p>Element encoding in {@link #sequences}: {@code e >= 0} is the byte set {@code sets[e]}, {@code e < 0} a
 * reference to rule {@code -e - 1}. Grammars must not be left-recursive (the compiler never makes one).
 */
public final class Grammar {
    final long[][] sets;     // 256-bit byte sets
    final int[][] sequences; // the alternatives' elements
    final int[][] rules;     // rule -> its alternatives (sequence ids)
    private final int rootSequence; // a one-element sequence referencing the root rule

    private Grammar(long[][] sets, int[][] sequences, int[][] rules, int rootSequence) {
        this.sets = sets;
        this.sequences = sequences;
        this.rules = rules;
        this.rootSequence = rootSequence;
    }

    /** The state before any byte. */
    public GrammarState start() {
        return GrammarState.start(this, rootSequence);
    }

    /** Whether the grammar accepts exactly these bytes. */
    public boolean accepts(byte[] text) {
        GrammarState s = start();
        for (byte b : text) {
            s = s.advance(b);
            if (s == null) return false;
        }
        return s.accepting();
    }

    boolean setContains(int set, int b) {
        return (sets[set][b >>> 6] >>> (b & 63) & 1) != 0;
    }

    /** Rules are numbered as created; alternatives can be added to a rule until {@link #build(int)}. */
    static final class Builder {
        private final List<long[]> sets = new ArrayList<>();
        private final Map<String, Integer> setIds = new HashMap<>();
        private final List<int[]> sequences = new ArrayList<>();
        private final List<List<Integer>> rules = new ArrayList<>();

        /** A new rule without alternatives yet (so that it can be referenced before it is defined). */
        int rule() {
            rules.add(new ArrayList<>());
            return rules.size() - 1;
        }

        /** A new rule with these alternatives. */
        int rule(Seq... alternatives) {
            int r = rule();
            for (Seq a : alternatives) alt(r, a);
            return r;
        }

        void alt(int rule, Seq sequence) {
            sequences.add(sequence.elements.stream().mapToInt(Integer::intValue).toArray());
            rules.get(rule).add(sequences.size() - 1);
        }

        Seq seq() {
            return new Seq(this);
        }

        int set(long[] bits) {
            return setIds.computeIfAbsent(Arrays.toString(bits), k -> {
                sets.add(bits.clone());
                return sets.size() - 1;
            });
        }

        Grammar build(int root) {
            sequences.add(new int[] {-root - 1});
            int rootSequence = sequences.size() - 1;
            var ruleArray = new int[rules.size()][];
            for (int r = 0; r < ruleArray.length; r++) {
                ruleArray[r] = rules.get(r).stream().mapToInt(Integer::intValue).toArray();
                if (ruleArray[r].length == 0) throw new IllegalStateException("grammar rule " + r + " has no alternatives");
            }
            return new Grammar(sets.toArray(long[][]::new), sequences.toArray(int[][]::new), ruleArray, rootSequence);
        }
    }

    /** A sequence of elements under construction. */
    static final class Seq {
        private final Builder builder;
        private final List<Integer> elements = new ArrayList<>();

        private Seq(Builder builder) {
            this.builder = builder;
        }

        /** The UTF-8 bytes of {@code text}, one element each. */
        Seq lit(String text) {
            for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) range(b & 0xFF, b & 0xFF);
            return this;
        }

        Seq ref(int rule) {
            elements.add(-rule - 1);
            return this;
        }

        /** One byte in {@code [lo, hi]}. */
        Seq range(int lo, int hi) {
            return bytes(new ByteSet().add(lo, hi));
        }

        Seq bytes(ByteSet set) {
            elements.add(builder.set(set.bits));
            return this;
        }
    }

    /** A set of byte values, built by ranges. */
    static final class ByteSet {
        final long[] bits = new long[4];

        ByteSet add(int lo, int hi) {
            for (int b = lo; b <= hi; b++) bits[b >>> 6] |= 1L << (b & 63);
            return this;
        }

        ByteSet add(String chars) {
            for (char c : chars.toCharArray()) add(c, c);
            return this;
        }

        ByteSet remove(String chars) {
            for (char c : chars.toCharArray()) bits[c >>> 6] &= ~(1L << (c & 63));
            return this;
        }
    }
}
