package io.qwen4j.sampling;

import java.util.SplittableRandom;

/**
 * Picks the next token from a row of logits with llama.cpp's common sampler chain (common/sampling.cpp):
 * penalties, then top-k, top-p, min-p, temperature and a seeded draw (src/llama-sampler.cpp). With temperature
 * {@code <= 0} the chain is the penalties followed by the argmax.
 *
 * <p>As in llama.cpp, top-p and min-p look at the probabilities at temperature 1; the temperature only shapes the
 * final draw among the survivors. Ties in logit rank the lower token id first, so results do not depend on the sort.
 * A NaN logit counts as {@code -inf}; if no token has a finite logit the lowest-id maximum is returned.
 *
 * <p>Deterministic: the same options (seed included), the same accepted tokens and the same logits give the same
 * tokens. After construction, sampling allocates nothing: every buffer is sized to the vocabulary once.
 * Not thread-safe: one sampler per sequence.
 */
public final class Sampler {
    /** First guess at how many top tokens top-p needs when top-k is off (llama.cpp {@code llama_sampler_top_p_apply} uses 256). */
    private static final int TOP_P_FIRST_GUESS = 256;

    private final SamplingOptions options;
    private final int vocabSize;
    private final PenaltyHistory history;
    private final float[] work;     // the caller's logits after the penalties, indexed by token id
    private final int[] candidates; // surviving token ids; best first when sorted, otherwise in id order
    private int candidateCount;
    private boolean allTokens;      // no filter ran: the candidates are all ids 0..vocabSize-1 (candidates[] unused)
    private final double[] weights; // exp((logit - max) / temperature) of each candidate, same order
    private final long[] heap;      // rank keys for partial selection
    private SplittableRandom rng;

    public Sampler(SamplingOptions options, int vocabSize) {
        if (options == null) throw new IllegalArgumentException("Sampler: options must not be null");
        if (vocabSize <= 0) throw new IllegalArgumentException("Sampler: vocabSize must be > 0, got " + vocabSize);
        this.options = options;
        this.vocabSize = vocabSize;
        this.history = new PenaltyHistory(options.penaltyLastN(), vocabSize);
        this.work = new float[vocabSize];
        this.candidates = new int[vocabSize];
        this.weights = new double[vocabSize];
        this.heap = new long[vocabSize];
        this.rng = new SplittableRandom(options.seed());
    }

    public SamplingOptions options() {
        return options;
    }

    /** Picks a token id in {@code [0, vocabSize)}. The caller's array is not modified. */
    public int sample(float[] logits) {
        double total = prepare(logits);
        if (candidateCount == 1) return candidateId(0);
        // llama.cpp llama_sampler_dist_apply: walk the cumulative weights up to total * u, u uniform in [0, 1).
        // Strictly greater, so that a zero-weight candidate is never drawn.
        double target = total * rng.nextDouble();
        double run = 0;
        int lastPositive = 0;
        for (int i = 0; i < candidateCount; i++) {
            double w = weights[i];
            run += w;
            if (run > target) return candidateId(i);
            if (w > 0) lastPositive = i;
        }
        return candidateId(lastPositive); // target rounded up to total
    }

    /** Records a token (of the prompt or generated) in the penalty history. */
    public void accept(int token) {
        if (token < 0 || token >= vocabSize)
            throw new IllegalArgumentException("Sampler.accept: token " + token + " outside the vocabulary [0, " + vocabSize + ")");
        history.accept(token);
    }

    /** Forgets the history and re-seeds the random number generator: the sampler is as new. */
    public void reset() {
        history.clear();
        rng = new SplittableRandom(options.seed());
    }

    // ---- for tests: the stages' results, copied out ----

    /** The logits after the penalty stage. */
    float[] penalizedLogits(float[] logits) {
        loadAndPenalize(logits);
        return work.clone();
    }

    /** The surviving candidates and their final probabilities (after temperature), in the chain's order. */
    Distribution distribution(float[] logits) {
        double total = prepare(logits);
        var ids = new int[candidateCount];
        var probs = new double[candidateCount];
        for (int i = 0; i < candidateCount; i++) {
            ids[i] = candidateId(i);
            probs[i] = weights[i] / total;
        }
        return new Distribution(ids, probs);
    }

    /** Candidate token ids and their probabilities, in the same order. */
    record Distribution(int[] ids, double[] probs) {
        double probOf(int id) {
            for (int i = 0; i < ids.length; i++) if (ids[i] == id) return probs[i];
            return 0;
        }
    }

    // ---- the chain ----

    /** Runs the chain up to the draw; leaves the candidates and their weights, returns the sum of the weights. */
    private double prepare(float[] logits) {
        loadAndPenalize(logits);
        allTokens = false;

        int best = argmax();
        float max = work[best];
        if (options.temperature() <= 0 || Float.isInfinite(max)) {
            // Greedy (llama_sampler_greedy), or no finite distribution exists (all -inf, or +inf present).
            candidates[0] = best;
            candidateCount = 1;
            weights[0] = 1;
            return 1;
        }

        int topK = options.topK();
        float topP = options.topP();
        float minP = options.minP();
        // Every filter keeps the most likely token, so max stays the maximum of the survivors.
        if (topK > 0 && topK < vocabSize) {
            selectTop(vocabSize, topK, true);
            if (topP < 1) {
                double z = 0;
                for (int i = 0; i < candidateCount; i++) z += Math.exp(work[candidates[i]] - max);
                int cut = topPCut(max, z);
                if (cut > 0) candidateCount = cut;
            }
            if (minP > 0) minPCutSorted(max);
        } else if (minP > 0) {
            // Top-p and min-p both keep a prefix of the sorted order, so top-p followed by min-p keeps the shorter
            // prefix. Gather the min-p survivors first (usually few), and cut top-p inside them with the full-vocab
            // normalizer: no sort of the whole vocabulary.
            float minLogit = max + (float) Math.log(minP);
            int n = 0;
            for (int id = 0; id < vocabSize; id++) if (work[id] >= minLogit) candidates[n++] = id;
            candidateCount = n;
            if (topP < 1) {
                double z = sumExpAll(max);
                selectTop(n, n, false);
                int cut = topPCut(max, z);
                if (cut > 0) candidateCount = cut;
            }
        } else if (topP < 1) {
            // As llama_sampler_top_p_apply: try the top 256 first, and widen only when they don't reach p.
            double z = sumExpAll(max);
            for (int k = Math.min(TOP_P_FIRST_GUESS, vocabSize); ; k = (int) Math.min(vocabSize, 8L * k)) {
                selectTop(vocabSize, k, true);
                int cut = topPCut(max, z);
                if (cut > 0) {
                    candidateCount = cut;
                    break;
                }
                if (k == vocabSize) break; // rounding kept the sum below p: keep everything, as llama.cpp does
            }
        } else {
            allTokens = true;
            candidateCount = vocabSize;
        }

        // llama_sampler_temp then the softmax of llama_sampler_dist_apply. Subtracting the max before dividing
        // keeps tiny temperatures from overflowing.
        float temperature = options.temperature();
        double total = 0;
        for (int i = 0; i < candidateCount; i++) {
            double w = Math.exp((work[candidateId(i)] - max) / temperature);
            weights[i] = w;
            total += w;
        }
        return total;
    }

    private int candidateId(int i) {
        return allTokens ? i : candidates[i];
    }

    private void loadAndPenalize(float[] logits) {
        if (logits == null) throw new IllegalArgumentException("Sampler: logits must not be null");
        if (logits.length != vocabSize)
            throw new IllegalArgumentException("Sampler: got " + logits.length + " logits for a vocabulary of " + vocabSize);
        for (int i = 0; i < vocabSize; i++) {
            float l = logits[i];
            work[i] = l != l ? Float.NEGATIVE_INFINITY : l + 0.0f; // NaN -> -inf, -0 -> +0 (so they tie)
        }
        if (options.penaltiesActive())
            history.applyTo(work, options.repeatPenalty(), options.frequencyPenalty(), options.presencePenalty());
    }

    /** Highest logit, lowest id on ties; 0 when all are -inf. */
    private int argmax() {
        int best = 0;
        float max = work[0];
        for (int i = 1; i < vocabSize; i++) {
            if (work[i] > max) {
                max = work[i];
                best = i;
            }
        }
        return best;
    }

    private double sumExpAll(float max) {
        double z = 0;
        for (int i = 0; i < vocabSize; i++) z += Math.exp(work[i] - max);
        return z;
    }

    /**
     * llama_sampler_top_p_apply on candidates sorted best first, with {@code z} the softmax normalizer of the set
     * top-p sees: the length of the shortest prefix whose probability reaches p, or 0 if this prefix never does.
     */
    private int topPCut(float max, double z) {
        double p = options.topP();
        double cumulative = 0;
        for (int i = 0; i < candidateCount; i++) {
            cumulative += Math.exp(work[candidates[i]] - max) / z;
            if (cumulative >= p) return i + 1;
        }
        return 0;
    }

    /** llama_sampler_min_p_apply on sorted candidates: keep while p >= minP * p_max, i.e. logit >= max + ln(minP). */
    private void minPCutSorted(float max) {
        float minLogit = max + (float) Math.log(options.minP());
        int i = 1; // the first always survives
        while (i < candidateCount && work[candidates[i]] >= minLogit) i++;
        candidateCount = i;
    }

    /**
     * Partial selection: the best {@code k} of the first {@code n} ids of the source (all ids when {@code fromAll},
     * else {@code candidates[0..n)}) into {@code candidates[0..k)}, best first. A min-heap of the k best so far,
     * whose root is the worst kept; most tokens fail a single float comparison against it: O(n + k log k).
     */
    private void selectTop(int n, int k, boolean fromAll) {
        int size = 0;
        float rootLogit = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            int id = fromAll ? j : candidates[j];
            float logit = work[id];
            if (size < k) {
                heap[size] = rankKey(logit, id);
                siftUp(size++);
                if (size == k) rootLogit = work[idOf(heap[0])];
            } else if (logit >= rootLogit) {
                long key = rankKey(logit, id);
                if (key > heap[0]) {
                    heap[0] = key;
                    siftDown(0, size);
                    rootLogit = work[idOf(heap[0])];
                }
            }
        }
        // Pop the worst first, filling from the back: candidates end up best first.
        for (int i = size - 1; i >= 0; i--) {
            candidates[i] = idOf(heap[0]);
            heap[0] = heap[i];
            siftDown(0, i);
        }
        candidateCount = size;
    }

    /**
     * A long that orders (logit descending, id ascending) as plain signed comparison: the float's bits made
     * monotonic in the high half, the complemented id in the low half.
     */
    static long rankKey(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit);
        int monotonic = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) monotonic << 32) | (~id & 0xffffffffL);
    }

    private static int idOf(long key) {
        return ~(int) key;
    }

    private void siftUp(int i) {
        long key = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private void siftDown(int i, int size) {
        long key = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] < heap[child]) child++;
            if (key <= heap[child]) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }

    @Override
    public String toString() {
        return "Sampler[" + options + ", vocabSize=" + vocabSize + "]";
    }
}
