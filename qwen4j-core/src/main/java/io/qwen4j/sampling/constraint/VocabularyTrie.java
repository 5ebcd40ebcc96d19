package io.qwen4j.sampling.constraint;

import io.qwen4j.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The text tokens of a vocabulary in a byte trie, so that finding every token a {@link GrammarState} allows walks
 * each shared prefix once and drops a whole subtree at the first byte the grammar rejects. Control, user-defined
 * and unused tokens (and tokens without bytes) are left out: they never appear inside constrained output.
 * Immutable; one per tokenizer, shared ({@link #of}).
 */
final class VocabularyTrie {
    private static final Map<Tokenizer, VocabularyTrie> CACHE = new WeakHashMap<>();

    // nodes: 0 is the root; children of a node are consecutive siblings in byte order
    final int[] firstChild;
    final int[] nextSibling;
    final byte[] label;
    final int[] firstToken;      // a token whose bytes end at the node, or -1
    final int[] nextSameBytes;   // per token id: another token with the same bytes, or -1
    final byte[][] bytes;        // per token id: its bytes, or null when it is not in the trie

    VocabularyTrie(Tokenizer tokenizer) {
        int n = tokenizer.vocabSize();
        bytes = new byte[n][];
        int count = 0, totalBytes = 0;
        for (int id = 0; id < n; id++) {
            if (!tokenizer.isText(id)) continue;
            byte[] b = tokenizer.tokenBytes(id);
            if (b.length == 0) continue;
            bytes[id] = b;
            count++;
            totalBytes += b.length;
        }
        var ids = new Integer[count];
        for (int id = 0, i = 0; id < n; id++) if (bytes[id] != null) ids[i++] = id;
        Arrays.sort(ids, (x, y) -> Arrays.compareUnsigned(bytes[x], bytes[y]));

        int capacity = totalBytes + 1;
        var first = new int[capacity];
        var next = new int[capacity];
        var lastChild = new int[capacity];
        var labels = new byte[capacity];
        var tokenAt = new int[capacity];
        Arrays.fill(first, -1);
        Arrays.fill(next, -1);
        Arrays.fill(lastChild, -1);
        Arrays.fill(tokenAt, -1);
        nextSameBytes = new int[n];
        Arrays.fill(nextSameBytes, -1);
        int nodes = 1;
        var path = new int[257]; // path[d] = node at depth d for the previous token
        byte[] previous = new byte[0];
        for (int id : ids) {
            byte[] b = bytes[id];
            int mismatch = Arrays.mismatch(previous, b);
            int common = mismatch < 0 ? b.length : mismatch; // the previous token shares this many leading bytes
            if (b.length + 1 > path.length) path = Arrays.copyOf(path, b.length + 1);
            for (int d = common; d < b.length; d++) {
                int parent = path[d], node = nodes++;
                labels[node] = b[d];
                if (lastChild[parent] < 0) first[parent] = node;
                else next[lastChild[parent]] = node;
                lastChild[parent] = node;
                path[d + 1] = node;
            }
            int end = path[b.length];
            nextSameBytes[id] = tokenAt[end];
            tokenAt[end] = id;
            previous = b;
        }
        firstChild = Arrays.copyOf(first, nodes);
        nextSibling = Arrays.copyOf(next, nodes);
        label = Arrays.copyOf(labels, nodes);
        firstToken = Arrays.copyOf(tokenAt, nodes);
    }

    static VocabularyTrie of(Tokenizer tokenizer) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(tokenizer, VocabularyTrie::new);
        }
    }

    int nodeCount() {
        return label.length;
    }

    /**
     * Marks in {@code allowed} every token whose bytes {@code state} accepts (leaves others as they are); returns
     * how many it marked.
     */
    int markAllowed(GrammarState state, boolean[] allowed) {
        return visit(0, state, allowed);
    }

    private int visit(int node, GrammarState state, boolean[] allowed) {
        int marked = 0;
        for (int child = firstChild[node]; child >= 0; child = nextSibling[child]) {
            GrammarState next = state.advance(label[child]);
            if (next == null) continue;
            for (int t = firstToken[child]; t >= 0; t = nextSameBytes[t]) {
                allowed[t] = true;
                marked++;
            }
            if (firstChild[child] >= 0 && !next.finished()) marked += visit(child, next, allowed);
        }
        return marked;
    }
}
