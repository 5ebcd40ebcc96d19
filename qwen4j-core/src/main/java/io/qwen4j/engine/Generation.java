package io.qwen4j.engine;

import io.qwen4j.sampling.Sampler;
import io.qwen4j.sampling.StopStrings;
import io.qwen4j.sampling.TokenLogprobs;
import io.qwen4j.sampling.constraint.GrammarConstraint;
import io.qwen4j.sampling.constraint.TokenConstraint;
import io.qwen4j.tokenizer.StreamingDecoder;
import io.qwen4j.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A running generation, consumed as an iterator of events (the work happens on the consuming thread, one token
 * per step) or through {@link #stream(Consumer)}. {@link #cancel()} may be called from any thread; the
 * generation then ends with {@link FinishReason#CANCELLED} at the next token boundary.
 */
public final class Generation implements Iterator<GenerationEvent> {
    private Session session;
    private final int[] prompt;
    private final GenerationRequest request;
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final TokenConstraint constraint;
    private final StopStrings stops;
    private final StreamingDecoder decoder;
    private final float[] logits;
    private final StringBuilder text = new StringBuilder();
    /** Events not yet consumed. Driven by the consumer: a plain deque; driven by a scheduler thread: a blocking queue. */
    private final java.util.Queue<GenerationEvent> pending;
    private final boolean scheduled;
    private boolean consumedDone;
    private final int[] last = new int[1];
    private volatile boolean cancelled;
    private boolean started;
    private volatile boolean ended;
    private GenerationEvent.Done done;
    private Consumer<GenerationEvent.Done> onDone = d -> {};
    private int reused;
    private int fed;
    private long promptStart;
    private volatile RuntimeException failure;
    private int generated;
    private long promptNanos;
    private long generationStart;

    Generation(Session session, int[] prompt, GenerationRequest request) {
        this(session.model(), session, prompt, request, false);
    }

    /** With {@code scheduled} a {@link BatchScheduler} thread computes the steps and the consumer only reads events. */
    Generation(Model model, Session session, int[] prompt, GenerationRequest request, boolean scheduled) {
        this.session = session;
        this.scheduled = scheduled;
        this.pending = scheduled ? new java.util.concurrent.LinkedBlockingQueue<>() : new ArrayDeque<>();
        this.prompt = prompt.clone();
        this.request = request;
        this.tokenizer = model.tokenizer();
        this.sampler = new Sampler(request.sampling(), model.config().vocabSize());
        this.constraint = GrammarConstraint.of(request.format(), tokenizer);
        this.stops = new StopStrings(request.stop());
        this.decoder = tokenizer.streamingDecoder();
        this.logits = new float[model.config().vocabSize()];
    }

    /** Asks the generation to stop; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public boolean hasNext() {
        return !consumedDone;
    }

    @Override
    public GenerationEvent next() {
        if (consumedDone) throw new NoSuchElementException("the generation has finished");
        if (!scheduled && pending.isEmpty()) step();
        GenerationEvent e = scheduled ? take() : pending.poll();
        if (e instanceof GenerationEvent.Done) consumedDone = true;
        return e;
    }

    private GenerationEvent take() {
        try {
            return ((java.util.concurrent.BlockingQueue<GenerationEvent>) pending).take();
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next token", e);
        }
    }

    /** Called once, on the thread that produces the final event. */
    void onDone(Consumer<GenerationEvent.Done> callback) {
        this.onDone = callback;
    }

    /** Runs to the end, handing every event to {@code sink}; returns the final event. */
    public GenerationEvent.Done stream(Consumer<? super GenerationEvent> sink) {
        while (hasNext()) sink.accept(next());
        return done;
    }

    /** Runs to the end and returns the final event (its text is the whole generated text). */
    public GenerationEvent.Done await() {
        return stream(e -> {});
    }

    /** One step when the consumer drives: the prompt first, then one token per call. */
    private void step() {
        if (!started) {
            beginPrompt();
            feedPrompt(Integer.MAX_VALUE);
        } else if (readyForNextToken()) {
            session.feed(last, 0, 1, logits);
        } else {
            return;
        }
        sampleNext();
    }

    /** Reuses the session's matching prefix; the rest of the prompt is then fed by {@link #feedPrompt}. */
    void beginPrompt() {
        started = true;
        promptStart = System.nanoTime();
        reused = session.reusePrefix(prompt);
        fed = reused;
        for (int t : prompt) sampler.accept(t);
    }

    /** Feeds up to {@code max} more prompt tokens; true when the whole prompt is in and its logits are ready. */
    boolean feedPrompt(int max) {
        int n = Math.min(max, prompt.length - fed);
        session.feed(prompt, fed, n, logits);
        fed += n;
        if (fed < prompt.length) return false;
        session.checkpoint(); // a hybrid model's recurrent state after the prompt, for a later prompt sharing it
        generationStart = System.nanoTime();
        promptNanos = generationStart - promptStart;
        return true;
    }

    /**
     * Whether the last sampled token should be fed to get the next one; otherwise ends the generation (cancelled,
     * token limit, or a full context).
     */
    boolean readyForNextToken() {
        if (ended) return false;
        if (cancelled) {
            end(FinishReason.CANCELLED, true);
        } else if (request.maxTokens() > 0 && generated >= request.maxTokens()) {
            end(FinishReason.LENGTH, true);
        } else if (session.length() >= session.contextSize()) {
            end(FinishReason.LENGTH, true);
        }
        return !ended;
    }

    /** The token to feed next (the last one sampled). */
    int lastToken() {
        return last[0];
    }

    /** Logits buffer the next token is sampled from; a scheduler writes a batched step's row here. */
    float[] logits() {
        return logits;
    }

    Session session() {
        return session;
    }

    /** Gives a scheduled generation the slot it runs in. */
    void attach(Session slot) {
        this.session = slot;
    }

    int[] prompt() {
        return prompt;
    }

    /** Still has prompt tokens to feed (or has not started). */
    boolean prefilling() {
        return !started || fed < prompt.length;
    }

    boolean ended() {
        return ended;
    }

    boolean isCancelled() {
        return cancelled;
    }

    boolean started() {
        return started;
    }

    int reusedTokens() {
        return reused;
    }

    int generatedTokens() {
        return generated;
    }

    /** Ends a cancelled generation where it stands (a scheduler dropping it from the queue or a slot). */
    void finishCancelled() {
        if (!ended) end(FinishReason.CANCELLED, true);
    }

    /** Samples from {@link #logits()} and emits the token's text; may end the generation. */
    void sampleNext() {
        if (cancelled) {
            end(FinishReason.CANCELLED, true);
            return;
        }
        if (request.maxTokens() > 0 && generated >= request.maxTokens()) {
            end(FinishReason.LENGTH, true);
            return;
        }
        int token = sampler.sample(logits, constraint);
        sampler.accept(token);
        generated++;
        last[0] = token;
        if (tokenizer.isEndOfGeneration(token)) {
            end(FinishReason.STOP, true);
            return;
        }
        TokenLogprobs lp = request.logprobs() < 0 ? null : TokenLogprobs.of(logits, logits.length, token, request.logprobs());
        // Control tokens are not text (llama.cpp prints them only with --special).
        String piece = tokenizer.isControl(token) ? "" : decoder.next(token);
        StopStrings.Result r = stops.push(piece);
        text.append(r.emit());
        pending.add(new GenerationEvent.Token(token, r.emit(), lp));
        if (r.stopped()) end(FinishReason.STOP, false);
    }

    /** Ends with an error the scheduler hit (reported to the consumer as the final event's reason). */
    void fail(RuntimeException error) {
        if (ended) return;
        failure = error;
        end(FinishReason.ERROR, false);
    }

    /** The error that ended the generation, when its reason is {@link FinishReason#ERROR}. */
    public java.util.Optional<RuntimeException> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    /** Queues the held-back text (unless a stop string cut it off) and the final event. */
    private void end(FinishReason reason, boolean flush) {
        if (flush) {
            StopStrings.Result r = stops.push(decoder.flush());
            String tail = r.stopped() ? r.emit() : r.emit() + stops.flush();
            if (!tail.isEmpty()) {
                text.append(tail);
                pending.add(new GenerationEvent.Token(-1, tail));
            }
            if (r.stopped()) reason = FinishReason.STOP;
        }
        ended = true;
        if (generationStart == 0) generationStart = System.nanoTime();
        if (session != null) session.checkpoint(); // the turn boundary: where the next turn of a chat resumes
        long genNanos = System.nanoTime() - generationStart;
        done = new GenerationEvent.Done(reason, text.toString(),
                new Timings(prompt.length, reused, promptNanos, generated, genNanos));
        pending.add(done);
        onDone.accept(done);
    }
}
