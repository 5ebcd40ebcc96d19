package io.qwen4j.engine;

import io.qwen4j.chat.ChatMessage;
import io.qwen4j.model.KvCache;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching, as vLLM and llama.cpp's server do it: many generations share one model, and one
 * scheduler thread owns the forward passes. Each step it admits waiting requests into free slots, feeds one
 * chunk of one new prompt, then advances every decoding sequence by one token in a single batched forward pass
 * (the weights are read once for all of them). Finished and cancelled sequences leave between steps.
 *
 * <p>A slot keeps its KV cache after its request ends. A new request goes to the free slot whose cached tokens
 * share the longest prefix with its prompt (least recently used on a tie), so the next turn of a chat resumes
 * where the previous one stopped; {@link Timings#reusedTokens()} says how many prompt tokens that saved.
 *
 * <p>Submitting never blocks: a request waits in a bounded queue for a slot, and a full queue is refused with
 * {@link QueueFullException}. Consumers read their {@link Generation} on their own threads.
 */
public final class BatchScheduler implements AutoCloseable {

    /**
     * @param slots         sequences generating at once (the batch size of a decode step)
     * @param queueCapacity requests that may wait for a slot before new ones are refused
     * @param prefillChunk  prompt tokens processed per step, so a long prompt does not stall running streams
     */
    public record Config(int slots, int queueCapacity, int prefillChunk) {
        public Config {
            if (slots < 1 || slots > 256) throw new IllegalArgumentException("slots must be in 1..256, got " + slots);
            if (queueCapacity < 0) throw new IllegalArgumentException("queue capacity must be >= 0, got " + queueCapacity);
            if (prefillChunk < 1) throw new IllegalArgumentException("prefill chunk must be positive, got " + prefillChunk);
        }

        public static Config of(int slots) {
            return new Config(slots, Math.max(16, 4 * slots), 256);
        }
    }

    private record Waiting(Generation generation, long submitted) {}

    private final Model model;
    private final Config config;
    private final Session[] slots;
    private final Generation[] running;
    private final long[] submittedAt;
    private final boolean[] firstTokenSeen;
    private final long[] lastUsed;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final EngineMetrics metrics = new EngineMetrics();
    private final Thread thread;
    private final float[] batchLogits;
    private long useClock;
    private volatile boolean closed;

    public BatchScheduler(Model model, Config config) {
        this.model = model;
        this.config = config;
        this.slots = new Session[config.slots()];
        this.running = new Generation[config.slots()];
        this.submittedAt = new long[config.slots()];
        this.firstTokenSeen = new boolean[config.slots()];
        this.lastUsed = new long[config.slots()];
        for (int i = 0; i < slots.length; i++) slots[i] = model.newSession();
        this.batchLogits = new float[config.slots() * model.config().vocabSize()];
        this.thread = Thread.ofPlatform().name("qwen4j-scheduler").daemon().start(this::loop);
    }

    public Config config() {
        return config;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    /** One assistant reply to a conversation, rendered with the model's chat template. */
    public Generation chat(List<ChatMessage> messages, boolean thinking, GenerationRequest request) {
        return submit(model.chatPrompt(messages, thinking), request);
    }

    /** Continues raw text (special tokens in it are parsed). */
    public Generation complete(String prompt, GenerationRequest request) {
        return submit(model.tokenizer().encode(prompt), request);
    }

    /**
     * Queues a generation; its events arrive as the scheduler computes them.
     *
     * @throws ContextOverflowException the prompt does not fit the context (nothing is truncated)
     * @throws QueueFullException       every slot is busy and the queue is full
     */
    public Generation submit(int[] prompt, GenerationRequest request) {
        slots[0].checkPrompt(prompt);
        var g = new Generation(model, null, prompt, request, true);
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the scheduler is closed");
            if (freeSlots() == 0 && waiting.size() >= config.queueCapacity()) {
                metrics.rejected.increment();
                throw new QueueFullException(config.slots(), config.queueCapacity());
            }
            waiting.add(new Waiting(g, System.nanoTime()));
            metrics.requests.increment();
            metrics.queued.set(waiting.size());
            work.signal();
        } finally {
            lock.unlock();
        }
        return g;
    }

    private int freeSlots() {
        int free = 0;
        for (Generation g : running) if (g == null) free++;
        return free;
    }

    private void loop() {
        while (!closed) {
            if (!admit()) continue;
            prefillOne();
            decodeAll();
            release();
        }
    }

    /** Moves waiting requests into free slots; blocks while there is nothing to run. False when woken to re-check. */
    private boolean admit() {
        lock.lock();
        try {
            dropCancelledWaiting();
            while (!waiting.isEmpty() && freeSlots() > 0) {
                Waiting w = waiting.poll();
                int slot = bestSlot(w.generation().prompt());
                w.generation().attach(slots[slot]);
                running[slot] = w.generation();
                submittedAt[slot] = w.submitted();
                firstTokenSeen[slot] = false;
                lastUsed[slot] = ++useClock;
            }
            metrics.queued.set(waiting.size());
            metrics.active.set(slots.length - freeSlots());
            if (freeSlots() == slots.length) {
                work.awaitUninterruptibly();
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void dropCancelledWaiting() {
        for (var it = waiting.iterator(); it.hasNext(); ) {
            Generation g = it.next().generation();
            if (g.isCancelled()) {
                it.remove();
                g.finishCancelled();
            }
        }
    }

    /**
     * The free slot whose cache shares the longest prefix with the prompt, when that covers at least half of it
     * (llama.cpp's slot similarity rule); otherwise the least recently used free slot, so that a short
     * coincidental match (the chat template's first tokens) does not evict a conversation worth keeping.
     */
    private int bestSlot(int[] prompt) {
        int best = -1;
        int bestCommon = -1;
        int lru = -1;
        for (int i = 0; i < slots.length; i++) {
            if (running[i] != null) continue;
            int common = slots[i].commonPrefix(prompt);
            if (common > bestCommon) {
                best = i;
                bestCommon = common;
            }
            if (lru < 0 || lastUsed[i] < lastUsed[lru]) lru = i;
        }
        return 2 * bestCommon >= prompt.length ? best : lru;
    }

    /** Feeds one chunk of the first slot still processing its prompt; its first token follows when it is done. */
    private void prefillOne() {
        for (int s = 0; s < running.length; s++) {
            Generation g = running[s];
            if (g == null || g.ended() || !g.prefilling()) continue;
            try {
                if (g.isCancelled()) {
                    g.finishCancelled();
                    return;
                }
                boolean fresh = !g.started();
                if (fresh) g.beginPrompt();
                if (fresh) metrics.reusedPromptTokens.add(g.reusedTokens());
                if (fresh) metrics.promptTokens.add(g.prompt().length);
                if (g.feedPrompt(config.prefillChunk())) {
                    firstToken(s); // recorded before the token goes out, so a consumer never sees it first
                    sample(g);
                }
            } catch (RuntimeException e) {
                g.fail(e);
            }
            return;
        }
    }

    private void firstToken(int slot) {
        if (firstTokenSeen[slot]) return;
        firstTokenSeen[slot] = true;
        metrics.firstToken(System.nanoTime() - submittedAt[slot]);
    }

    /** One batched forward pass advancing every sequence past its prompt by one token. */
    private void decodeAll() {
        var batch = new ArrayList<Generation>(running.length);
        for (Generation g : running) {
            if (g != null && !g.ended() && !g.prefilling() && g.readyForNextToken()) batch.add(g);
        }
        int n = batch.size();
        if (n == 0) return;
        Session[] sessions = new Session[n];
        KvCache[] caches = new KvCache[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            sessions[i] = batch.get(i).session();
            next[i] = batch.get(i).lastToken();
        }
        long t0 = System.nanoTime();
        try {
            Session.feedEach(sessions, caches, next, n, batchLogits);
        } catch (RuntimeException e) {
            for (Generation g : batch) g.fail(e);
            return;
        }
        metrics.decodeStep(n, System.nanoTime() - t0);
        int vocab = model.config().vocabSize();
        for (int i = 0; i < n; i++) {
            Generation g = batch.get(i);
            System.arraycopy(batchLogits, i * vocab, g.logits(), 0, vocab);
            try {
                sample(g);
            } catch (RuntimeException e) {
                g.fail(e);
            }
        }
    }

    private void sample(Generation g) {
        int before = g.generatedTokens();
        g.sampleNext();
        metrics.generatedTokens.add(g.generatedTokens() - before);
    }

    /** Frees the slots of generations that ended; their caches stay for prefix reuse. */
    private void release() {
        lock.lock();
        try {
            for (int s = 0; s < running.length; s++) {
                if (running[s] != null && running[s].ended()) {
                    if (running[s].isCancelled()) metrics.cancelled.increment();
                    running[s] = null;
                }
            }
            metrics.active.set(slots.length - freeSlots());
        } finally {
            lock.unlock();
        }
    }

    /** Stops the scheduler; generations still waiting or running end as cancelled. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Generation g : running) if (g != null) g.cancel();
            for (Waiting w : waiting) w.generation().cancel();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            for (Generation g : running) if (g != null) g.finishCancelled();
            for (Waiting w : waiting) w.generation().finishCancelled();
            waiting.clear();
        } finally {
            lock.unlock();
        }
    }
}
