package io.qwen4j.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Byte-level BPE over one pre-token: start from one symbol per byte, repeatedly merge the adjacent pair of
 * lowest merge rank (leftmost first on ties), as HF {@code tokenizers} {@code BPE::merge_word} and llama.cpp
 * {@code llm_tokenizer_bpe_session::tokenize} do. Symbols are token ids; a merge (left id, right id) gives a
 * rank and the id of the concatenation, so no strings are built while merging.
 */
final class BytePairEncoder {
    private static final int CACHE_SLOTS = 1 << 15;
    private static final int CACHE_MAX_PIECE = 48;

    private final int[] byteToId = new int[256];
    private final MergeTable merges;
    /**
     * Pre-token to ids, direct-mapped: a slot holds the last piece hashed to it. Entries are immutable and
     * a slot is one reference write, so threads share the cache without locks; a race only loses an entry.
     * Natural text repeats a small set of words, so most pieces hit (HF BPE keeps a similar word cache).
     */
    private final CacheEntry[] cache = new CacheEntry[CACHE_SLOTS];

    private record CacheEntry(String piece, int hash, int[] ids) {}

    /**
     * {@code index} over the vocabulary's tokens; {@code mergeList} as {@code "a b"} strings in rank order. The
     * merges are looked up without building a string per merge: Qwen's ~150,000 merges made as many substrings,
     * concatenations and map lookups, the larger part of the tokenizer's build at a cold start (decision 0015).
     */
    BytePairEncoder(TokenIndex index, List<String> mergeList) {
        for (int b = 0; b < 256; b++) {
            byteToId[b] = index.find(String.valueOf(ByteLevel.charOf(b)));
        }
        merges = new MergeTable(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String merge = mergeList.get(rank);
            // llama.cpp splits at the first space after the first character
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("merge " + rank + " '" + merge + "' is not of the form 'a b'");
            }
            // String.hashCode of the left part, the right part, and their concatenation (h(l) * 31^|r| + h(r))
            int hl = 0;
            for (int i = 0; i < space; i++) hl = 31 * hl + merge.charAt(i);
            int hr = 0;
            int pow = 1;
            for (int i = space + 1; i < merge.length(); i++) {
                hr = 31 * hr + merge.charAt(i);
                pow *= 31;
            }
            int rightLength = merge.length() - space - 1;
            int l = index.find(hl, merge, 0, space, null, 0, 0);
            int r = l < 0 ? -1 : index.find(hr, merge, space + 1, rightLength, null, 0, 0);
            int result = r < 0 ? -1 : index.find(hl * pow + hr, merge, 0, space, merge, space + 1, rightLength);
            // a merge that names tokens the vocabulary lacks can never apply: skip it
            if (result >= 0) {
                merges.putIfAbsent(pairKey(l, r), rank, result);
            }
        }
    }

    /** Appends the ids of the pre-token {@code text[start, end)} (already NFC) to {@code out}. */
    void encode(String text, int start, int end, IntList out) {
        int length = end - start;
        if (length == 1 && text.charAt(start) < 0x80) { // one byte: nothing to merge
            int id = byteToId[text.charAt(start)];
            if (id >= 0) {
                out.add(id);
            }
            return;
        }
        if (length > CACHE_MAX_PIECE) {
            out.addAll(merge(utf8(text, start, end)));
            return;
        }
        int hash = 0;
        for (int i = start; i < end; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        int slot = (hash ^ hash >>> 15) & (CACHE_SLOTS - 1);
        CacheEntry entry = cache[slot];
        if (entry != null && entry.hash == hash && entry.piece.length() == length
                && entry.piece.regionMatches(0, text, start, length)) {
            out.addAll(entry.ids);
            return;
        }
        int[] ids = merge(utf8(text, start, end));
        cache[slot] = new CacheEntry(text.substring(start, end), hash, ids);
        out.addAll(ids);
    }

    /** UTF-8 of {@code text[start, end)}; a lone surrogate becomes U+FFFD, as on the way into a Rust string. */
    private static byte[] utf8(String text, int start, int end) {
        var bytes = new byte[(end - start) * 3];
        int n = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else if (c < 0x800) {
                bytes[n++] = (byte) (0xC0 | c >> 6);
                bytes[n++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                bytes[n++] = (byte) (0xF0 | cp >> 18);
                bytes[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[n++] = (byte) (0x80 | cp & 0x3F);
            } else {
                int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                bytes[n++] = (byte) (0xE0 | cp >> 12);
                bytes[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[n++] = (byte) (0x80 | cp & 0x3F);
            }
        }
        return Arrays.copyOf(bytes, n);
    }

    private int[] merge(byte[] bytes) {
        int n = 0;
        int[] sym = new int[bytes.length];
        for (byte b : bytes) {
            int id = byteToId[b & 0xFF];
            if (id >= 0) { // a byte without a token cannot be represented (HF drops it when there is no unk)
                sym[n++] = id;
            }
        }
        if (n <= 1) {
            return Arrays.copyOf(sym, n);
        }
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        // queue entries: rank in the high half, left position in the low half: lowest rank, then leftmost
        var queue = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, sym, next, i);
        }
        int alive = n;
        while (!queue.isEmpty()) {
            long entry = queue.poll();
            int rank = (int) (entry >>> 32);
            int i = (int) entry;
            int j = next[i];
            if (sym[i] < 0 || j < 0) {
                continue;
            }
            long merge = merges.get(pairKey(sym[i], sym[j]));
            if (merge == MergeTable.ABSENT || (int) (merge >>> 32) != rank) {
                continue; // stale: one side was merged since this entry was queued
            }
            sym[i] = (int) merge;
            sym[j] = -1;
            next[i] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = i;
            }
            alive--;
            if (prev[i] >= 0) {
                offer(queue, sym, next, prev[i]);
            }
            offer(queue, sym, next, i);
        }
        int[] ids = new int[alive];
        for (int i = 0, k = 0; i >= 0; i = next[i]) {
            ids[k++] = sym[i];
        }
        return ids;
    }

    private void offer(LongHeap queue, int[] sym, int[] next, int i) {
        int j = next[i];
        if (j < 0) {
            return;
        }
        long merge = merges.get(pairKey(sym[i], sym[j]));
        if (merge != MergeTable.ABSENT) {
            queue.add((merge >>> 32) << 32 | i);
        }
    }

    private static long pairKey(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    /** Open-addressing map from a pair key to (rank << 32 | result id). */
    private static final class MergeTable {
        static final long ABSENT = -1;
        private final long[] keys;
        private final long[] values;
        private final int mask;

        MergeTable(int expected) {
            int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
            keys = new long[capacity];
            values = new long[capacity];
            Arrays.fill(values, ABSENT);
            mask = capacity - 1;
        }

        private int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            int i = (int) (h >>> 40) & mask;
            while (values[i] != ABSENT && keys[i] != key) {
                i = (i + 1) & mask;
            }
            return i;
        }

        void putIfAbsent(long key, int rank, int result) {
            int i = slot(key);
            if (values[i] == ABSENT) {
                keys[i] = key;
                values[i] = (long) rank << 32 | result;
            }
        }

        long get(long key) {
            return values[slot(key)];
        }
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] heap;
        private int size;

        LongHeap(int capacity) {
            heap = new long[Math.max(capacity, 4)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void add(long v) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (heap[parent] <= v) {
                    break;
                }
                heap[i] = heap[parent];
                i = parent;
            }
            heap[i] = v;
        }

        long poll() {
            long top = heap[0];
            long last = heap[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] >= last) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = last;
            return top;
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] items = new int[16];
        private int size;

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        void addAll(int[] vs) {
            if (size + vs.length > items.length) {
                items = Arrays.copyOf(items, Math.max(items.length * 2, size + vs.length));
            }
            System.arraycopy(vs, 0, items, size, vs.length);
            size += vs.length;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(items, size);
        }
    }
}
