package io.qwen4j.sampling;

import io.qwen4j.sampling.constraint.TokenConstraint;
import java.util.Arrays;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
 * tokens on the same machine (the vectorized exp and sums may differ in the last bits between CPUs).
 *
 * <p>Fast on a 152k vocabulary without sorting it: top-k is a heap selection behind a vectorized "can it beat the
 * k-th best?" test; min-p gathers its few survivors with one vectorized comparison; top-p without top-k finds its cut
 * from a histogram of the probability mass and sorts only the tokens of the boundary bucket; the draw skips whole
 * blocks of candidates by their partial sums. After construction, sampling allocates nothing: every buffer is sized
 * to the vocabulary once. Not thread-safe: one sampler per sequence.
 */
public final class Sampler {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Candidates per partial sum of the draw's weights (a multiple of any vector length). */
    private static final int BLOCK = 64;
    /** Top-p histogram: buckets of 1/32 nat of logit below the maximum, over 24 nats (exp(-24) ~ 4e-11), then one for the rest. */
    private static final int BUCKETS_PER_NAT = 32;
    private static final int BUCKETS = 24 * BUCKETS_PER_NAT + 1;
    /** Draws without the rejected token before a constrained sample masks the whole vocabulary. */
    static final int CONSTRAINED_RETRIES = 8;

    private final SamplingOptions options;
    private final int vocabSize;
    private final PenaltyHistory history;
    private final float[] work;     // the caller's logits after the penalties, indexed by token id
    private final int[] candidates; // surviving token ids (best first after a selection; the draw needs no order)
    private int candidateCount;
    private boolean allTokens;      // no filter ran: the candidates are all ids 0..vocabSize-1 (candidates[] unused)
    private final float[] weights;  // exp((logit - max) / temperature) of each candidate, same order
    private final double[] blockSums; // sums of weights per BLOCK candidates: the draw skips whole blocks
    private final long[] heap;      // rank keys for partial selection
    private final double[] bucketMass = new double[BUCKETS];
    private final int[] bucketOfToken;  // top-p histogram bucket of each id; only when top-p runs over the whole vocabulary
    private SplittableRandom rng;
    private float[] masked;         // the caller's logits with the tokens a constraint forbids at -inf (made on first use)

    public Sampler(SamplingOptions options, int vocabSize) {
        if (options == null) throw new IllegalArgumentException("Sampler: options must not be null");
        if (vocabSize <= 0) throw new IllegalArgumentException("Sampler: vocabSize must be > 0, got " + vocabSize);
        this.options = options;
        this.vocabSize = vocabSize;
        this.history = new PenaltyHistory(options.penaltyLastN(), vocabSize);
        this.work = new float[vocabSize];
        this.candidates = new int[vocabSize];
        this.weights = new float[vocabSize];
        this.blockSums = new double[(vocabSize + BLOCK - 1) / BLOCK];
        this.heap = new long[vocabSize];
        boolean topPOverVocabulary = (options.topK() == 0 || options.topK() >= vocabSize) && options.minP() == 0 && options.topP() < 1;
        this.bucketOfToken = topPOverVocabulary ? new int[vocabSize] : null;
        this.rng = new SplittableRandom(options.seed());
    }

    /** Picks a token id in {@code [0, vocabSize)}. The caller's array is not modified. */
    public int sample(float[] logits) {
        double total = prepare(logits);
        if (candidateCount == 1) return candidateId(0);
        // llama.cpp llama_sampler_dist_apply: the first candidate where the running sum of the weights passes
        // total * u, u uniform in [0, 1).
        return candidateId(draw(total * rng.nextDouble()));
    }

    /**
     * Picks a token {@code constraint} allows and moves the constraint past it. As llama.cpp's common sampler
     * ({@code common_sampler_sample} with a grammar), the unconstrained choice is kept when allowed: the common
     * case, one check. Otherwise that token is set to {@code -inf} and the chain runs again, up to
     * {@link #CONSTRAINED_RETRIES} times (removing rejected tokens one by one draws from the same distribution over
     * the allowed tokens as masking them all, and is much cheaper where nearly everything is allowed, inside a
     * string); then every forbidden token is masked at once and the chain runs a last time. The caller's array is
     * not modified.
     */
    public int sample(float[] logits, TokenConstraint constraint) {
        int token = sample(logits);
        if (!constraint.allows(token)) {
            if (masked == null) masked = new float[vocabSize];
            System.arraycopy(logits, 0, masked, 0, vocabSize);
            for (int retry = 0; retry < CONSTRAINED_RETRIES && !constraint.allows(token); retry++) {
                masked[token] = Float.NEGATIVE_INFINITY;
                token = sample(masked);
            }
            if (!constraint.allows(token)) {
                int someAllowed = constraint.mask(masked);
                token = sample(masked);
                // every allowed logit -inf (or NaN): the chain falls back to the lowest id, which may be forbidden
                if (!constraint.allows(token)) token = someAllowed;
            }
        }
        constraint.accept(token);
        return token;
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
        load(logits);
        sanitizeAndMax();
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

    /** Runs the chain up to the draw; leaves the candidates, their weights and block sums; returns the total weight. */
    private double prepare(float[] logits) {
        load(logits);
        allTokens = false;
        float temperature = options.temperature();
        if (temperature <= 0) return only(firstIndexOf(sanitizeAndMax())); // llama_sampler_greedy

        int topK = options.topK();
        float topP = options.topP();
        float minP = options.minP();
        // Every filter keeps the most likely token, so max stays the maximum of the survivors.
        if (topK > 0 && topK < vocabSize) {
            selectTopOfAll(topK);
            float max = work[candidates[0]];
            if (Float.isInfinite(max)) return only(candidates[0]);
            if (topP < 1) {
                double z = 0;
                for (int i = 0; i < candidateCount; i++) z += Math.exp(work[candidates[i]] - max);
                int cut = topPCut(0, max, z, 0);
                if (cut > 0) candidateCount = cut;
            }
            if (minP > 0) minPCutSorted(max);
            return weighCandidates(max, temperature);
        }

        float max = sanitizeAndMax();
        if (Float.isInfinite(max)) return only(firstIndexOf(max));
        if (minP > 0) {
            // Top-p and min-p both keep a prefix of the sorted order, so top-p followed by min-p keeps the shorter
            // prefix. Gather the min-p survivors first (usually few), and cut top-p inside them with the full-vocab
            // normalizer: no sort of the whole vocabulary.
            gatherAtLeast(max + (float) Math.log(minP));
            if (topP < 1) {
                double z = weighAll(max, 1);
                selectTopOfCandidates(0, candidateCount, candidateCount);
                int cut = topPCut(0, max, z, 0);
                if (cut > 0) candidateCount = cut;
            }
        } else if (topP < 1) {
            topPByBuckets(max);
        } else {
            allTokens = true;
            candidateCount = vocabSize;
        }
        // llama_sampler_temp, then the softmax of llama_sampler_dist_apply.
        return allTokens ? weighAll(max, temperature) : weighCandidates(max, temperature);
    }

    /**
     * A single candidate: greedy sampling, or no finite distribution exists (every logit -inf, or some +inf) and the
     * lowest-id maximum is the only sensible answer.
     */
    private double only(int id) {
        candidates[0] = id;
        candidateCount = 1;
        weights[0] = 1;
        blockSums[0] = 1;
        return 1;
    }

    private int candidateId(int i) {
        return allTokens ? i : candidates[i];
    }

    /** Copies the logits and applies the penalties. */
    private void load(float[] logits) {
        if (logits == null) throw new IllegalArgumentException("Sampler: logits must not be null");
        if (logits.length != vocabSize)
            throw new IllegalArgumentException("Sampler: got " + logits.length + " logits for a vocabulary of " + vocabSize);
        System.arraycopy(logits, 0, work, 0, vocabSize);
        if (options.penaltiesActive())
            history.applyTo(work, options.repeatPenalty(), options.frequencyPenalty(), options.presencePenalty());
    }

    /** Turns NaN logits into -inf (a broken row must not poison the softmax); returns the maximum. */
    private float sanitizeAndMax() {
        var vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = F.loopBound(vocabSize); i < bound; i += F.length()) {
            var v = FloatVector.fromArray(F, work, i);
            var nan = v.test(VectorOperators.IS_NAN);
            if (nan.anyTrue()) {
                v = v.blend(Float.NEGATIVE_INFINITY, nan);
                v.intoArray(work, i);
            }
            vmax = vmax.max(v);
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; i < vocabSize; i++) {
            float l = work[i];
            if (l != l) work[i] = l = Float.NEGATIVE_INFINITY;
            if (l > max) max = l;
        }
        return max;
    }

    /** The lowest id whose logit is {@code value}: with the maximum, the greedy choice (ties to the lowest id). */
    private int firstIndexOf(float value) {
        int i = 0;
        for (int bound = F.loopBound(vocabSize); i < bound; i += F.length()) {
            var equal = FloatVector.fromArray(F, work, i).eq(value);
            if (equal.anyTrue()) return i + equal.firstTrue();
        }
        for (; i < vocabSize; i++) if (work[i] == value) return i;
        return 0; // not reached: value is one of the logits
    }

    /** Candidates = the ids whose logit is at least {@code minLogit}, in id order (min-p's unsorted path). */
    private void gatherAtLeast(float minLogit) {
        int n = 0, i = 0;
        for (int bound = F.loopBound(vocabSize); i < bound; i += F.length()) {
            for (long above = FloatVector.fromArray(F, work, i).compare(VectorOperators.GE, minLogit).toLong();
                 above != 0; above &= above - 1) {
                candidates[n++] = i + Long.numberOfTrailingZeros(above);
            }
        }
        for (; i < vocabSize; i++) if (work[i] >= minLogit) candidates[n++] = i;
        candidateCount = n;
    }

    /**
     * Top-p over the whole vocabulary without sorting it: histogram the probability mass by distance from the
     * maximum logit, find the bucket where the cumulative mass reaches p, keep every token above that bucket and
     * sort only the tokens inside it. Same set as llama_sampler_top_p_apply's sorted walk.
     */
    private void topPByBuckets(float max) {
        double z = weighAll(max, 1); // weights = exp(logit - max)
        var vmax = FloatVector.broadcast(F, max);
        int i = 0;
        for (int bound = F.loopBound(vocabSize); i < bound; i += F.length()) {
            // The same float operations as bucketOf, so both agree on every token.
            var distance = vmax.sub(FloatVector.fromArray(F, work, i)).mul(BUCKETS_PER_NAT).min(BUCKETS - 1);
            distance.convert(VectorOperators.F2I, 0).reinterpretAsInts().intoArray(bucketOfToken, i);
        }
        for (; i < vocabSize; i++) bucketOfToken[i] = bucketOf(max, work[i]);
        Arrays.fill(bucketMass, 0);
        for (i = 0; i < vocabSize; i++) bucketMass[bucketOfToken[i]] += weights[i];

        double p = options.topP();
        double cumulative = 0;
        int boundary = -1;
        for (int b = 0; b < BUCKETS; b++) {
            double mass = bucketMass[b] / z;
            if (cumulative + mass >= p) {
                boundary = b;
                break;
            }
            cumulative += mass;
        }
        if (boundary < 0) { // rounding kept the sum below p: keep everything, as llama.cpp does
            allTokens = true;
            candidateCount = vocabSize;
            return;
        }
        // Tokens above the boundary bucket from the front, those inside it from the back; then inside after above.
        int above = 0, inside = vocabSize;
        i = 0;
        for (int bound = I.loopBound(vocabSize); i < bound; i += I.length()) {
            var buckets = IntVector.fromArray(I, bucketOfToken, i);
            long near = buckets.compare(VectorOperators.LE, boundary).toLong();
            if (near == 0) continue;
            long strictlyAbove = buckets.compare(VectorOperators.LT, boundary).toLong();
            for (; near != 0; near &= near - 1) {
                int lane = Long.numberOfTrailingZeros(near);
                if ((strictlyAbove >>> lane & 1) != 0) candidates[above++] = i + lane;
                else candidates[--inside] = i + lane;
            }
        }
        for (; i < vocabSize; i++) {
            int b = bucketOfToken[i];
            if (b < boundary) candidates[above++] = i;
            else if (b == boundary) candidates[--inside] = i;
        }
        int insideCount = vocabSize - inside;
        System.arraycopy(candidates, inside, candidates, above, insideCount);
        selectTopOfCandidates(above, insideCount, insideCount);
        candidateCount = above + insideCount;
        int cut = topPCut(above, max, z, cumulative);
        if (cut > 0) candidateCount = cut;
    }

    private static int bucketOf(float max, float logit) {
        float d = (max - logit) * BUCKETS_PER_NAT; // >= 0; +inf for -inf logits
        return d < BUCKETS - 1 ? (int) d : BUCKETS - 1;
    }

    /**
     * llama_sampler_top_p_apply on candidates sorted best first from {@code from}, with {@code z} the softmax
     * normalizer of the set top-p sees and {@code cumulative} the probability of the candidates before {@code from}:
     * the length of the shortest prefix whose probability reaches p, or 0 if this prefix never does.
     */
    private int topPCut(int from, float max, double z, double cumulative) {
        double p = options.topP();
        for (int i = from; i < candidateCount; i++) {
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
     * weights[i] = exp((logit(i) - max) / temperature) for every id, and their sums per block of {@link #BLOCK};
     * returns the total. Subtracting the max before dividing keeps tiny temperatures from overflowing.
     */
    private double weighAll(float max, float temperature) {
        double total = 0;
        for (int start = 0, block = 0; start < vocabSize; start += BLOCK, block++) {
            int end = Math.min(vocabSize, start + BLOCK);
            double sum;
            if (end - start == BLOCK) {
                var acc = FloatVector.zero(F);
                for (int i = start; i < end; i += F.length()) {
                    var w = FloatVector.fromArray(F, work, i).sub(max).div(temperature).lanewise(VectorOperators.EXP);
                    w.intoArray(weights, i);
                    acc = acc.add(w);
                }
                sum = acc.reduceLanes(VectorOperators.ADD);
            } else {
                sum = 0;
                for (int i = start; i < end; i++) sum += weights[i] = (float) Math.exp((work[i] - max) / temperature);
            }
            blockSums[block] = sum;
            total += sum;
        }
        return total;
    }

    /** As {@link #weighAll} for the candidates, in their order. */
    private double weighCandidates(float max, float temperature) {
        double total = 0;
        for (int start = 0, block = 0; start < candidateCount; start += BLOCK, block++) {
            int end = Math.min(candidateCount, start + BLOCK);
            double sum = 0;
            if (end - start == BLOCK) {
                var acc = FloatVector.zero(F);
                for (int i = start; i < end; i += F.length()) {
                    var w = FloatVector.fromArray(F, work, 0, candidates, i).sub(max).div(temperature)
                            .lanewise(VectorOperators.EXP);
                    w.intoArray(weights, i);
                    acc = acc.add(w);
                }
                sum = acc.reduceLanes(VectorOperators.ADD);
            } else {
                for (int i = start; i < end; i++) sum += weights[i] = (float) Math.exp((work[candidates[i]] - max) / temperature);
            }
            blockSums[block] = sum;
            total += sum;
        }
        return total;
    }

    /**
     * The candidate index at which the running sum of weights first exceeds {@code target}: whole blocks first,
     * then inside one. Strictly greater, so that a zero-weight candidate is never drawn.
     */
    private int draw(double target) {
        double run = 0;
        int lastBlock = 0;
        for (int start = 0, block = 0; start < candidateCount; start += BLOCK, block++) {
            double sum = blockSums[block];
            if (sum > 0) lastBlock = block;
            if (run + sum > target) return drawInBlock(start, run, target);
            run += sum;
        }
        return drawInBlock(lastBlock * BLOCK, Double.NEGATIVE_INFINITY, 0); // target rounded up to the total
    }

    private int drawInBlock(int start, double run, double target) {
        int end = Math.min(candidateCount, start + BLOCK);
        int lastPositive = start;
        for (int i = start; i < end; i++) {
            run += weights[i];
            if (run > target && weights[i] > 0) return i;
            if (weights[i] > 0) lastPositive = i;
        }
        return lastPositive; // the block's float sum and this double walk differ in the last bits
    }

    /**
     * Partial selection: the best {@code k} of all ids into {@code candidates[0..k)}, best first. A min-heap of the
     * k best so far, whose root is the worst kept; whole vectors of tokens that cannot beat the root are skipped with
     * one comparison: O(n + k log k log n).
     */
    private void selectTopOfAll(int k) {
        int size = 0, j = 0;
        for (; j < k; j++) {
            if (work[j] != work[j]) work[j] = Float.NEGATIVE_INFINITY; // NaN; later ones fail the >= root test
            heap[size] = rankKey(work[j], j);
            siftUp(size++);
        }
        float root = work[idOf(heap[0])];
        for (; j <= vocabSize - F.length(); j += F.length()) { // j starts unaligned, at k
            for (long better = FloatVector.fromArray(F, work, j).compare(VectorOperators.GE, root).toLong();
                 better != 0; better &= better - 1) {
                int id = j + Long.numberOfTrailingZeros(better);
                if (work[id] >= root && offer(id, size)) root = work[idOf(heap[0])];
            }
        }
        for (; j < vocabSize; j++) if (work[j] >= root && offer(j, size)) root = work[idOf(heap[0])];
        popSorted(0, size);
    }

    /** Sorts {@code candidates[from..from+count)} best first, keeping the best {@code k} of them. */
    private void selectTopOfCandidates(int from, int count, int k) {
        int size = 0;
        for (int j = from; j < from + count; j++) {
            int id = candidates[j];
            if (size < k) {
                heap[size] = rankKey(work[id], id);
                siftUp(size++);
            } else {
                offer(id, size);
            }
        }
        popSorted(from, size);
    }

    /** Puts id in the full heap if it ranks above the root; says whether it did. */
    private boolean offer(int id, int size) {
        long key = rankKey(work[id], id);
        if (key <= heap[0]) return false;
        heap[0] = key;
        siftDown(0, size);
        return true;
    }

    /** Empties the heap into candidates[from..from+size), best first. */
    private void popSorted(int from, int size) {
        for (int i = size - 1; i >= 0; i--) {
            candidates[from + i] = idOf(heap[0]);
            heap[0] = heap[i];
            siftDown(0, i);
        }
        if (from == 0) candidateCount = size;
    }

    /**
     * A long that orders (logit descending, id ascending) as plain signed comparison: the float's bits made
     * monotonic in the high half, the complemented id in the low half.
     */
    static long rankKey(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit + 0.0f); // -0 -> +0: they tie

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
