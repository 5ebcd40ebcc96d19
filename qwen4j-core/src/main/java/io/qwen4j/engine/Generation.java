package io.qwen4j.engine;

import io.qwen4j.sampling.Sampler;
import io.qwen4j.sampling.StopStrings;
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
    private final Session session;
    private final int[] prompt;
    private final GenerationRequest request;
    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final StopStrings stops;
    private final StreamingDecoder decoder;
    private final float[] logits;
    private final StringBuilder text = new StringBuilder();
    private final ArrayDeque<GenerationEvent> pending = new ArrayDeque<>();
    private final int[] last = new int[1];
    private volatile boolean cancelled;
    private boolean started;
    private boolean ended;
    private GenerationEvent.Done done;
    private Consumer<GenerationEvent.Done> onDone = d -> {};
    private int reused;
    private int generated;
    private long promptNanos;
    private long generationStart;

    Generation(Session session, int[] prompt, GenerationRequest request) {
        this.session = session;
        this.prompt = prompt.clone();
        this.request = request;
        this.tokenizer = session.model().tokenizer();
        this.sampler = new Sampler(request.sampling(), session.model().config().vocabSize());
        this.stops = new StopStrings(request.stop());
        this.decoder = tokenizer.streamingDecoder();
        this.logits = new float[session.model().config().vocabSize()];
    }

    /** Asks the generation to stop; safe from any thread. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public boolean hasNext() {
        return !pending.isEmpty() || !ended;
    }

    @Override
    public GenerationEvent next() {
        if (pending.isEmpty()) {
            if (ended) throw new NoSuchElementException("the generation has finished");
            step();
        }
        return pending.poll();
    }

    /** Called once, on the consuming thread, when the final event is produced. */
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

    private void step() {
        if (!started) processPrompt();
        if (cancelled) {
            end(FinishReason.CANCELLED, true);
            return;
        }
        if (request.maxTokens() > 0 && generated >= request.maxTokens()) {
            end(FinishReason.LENGTH, true);
            return;
        }
        if (generated > 0) {
            // The previous token enters the cache only now, so a finished generation leaves the cache holding
            // exactly the tokens a following chat turn starts with (its end-of-turn token is re-rendered).
            if (session.length() >= session.contextSize()) {
                end(FinishReason.LENGTH, true);
                return;
            }
            session.feed(last, 0, 1, logits);
        }
        int token = sampler.sample(logits);
        sampler.accept(token);
        generated++;
        last[0] = token;
        if (tokenizer.isEndOfGeneration(token)) {
            end(FinishReason.STOP, true);
            return;
        }
        // Control tokens are not text (llama.cpp prints them only with --special).
        String piece = tokenizer.isControl(token) ? "" : decoder.next(token);
        StopStrings.Result r = stops.push(piece);
        text.append(r.emit());
        pending.add(new GenerationEvent.Token(token, r.emit()));
        if (r.stopped()) end(FinishReason.STOP, false);
    }

    private void processPrompt() {
        started = true;
        long t0 = System.nanoTime();
        reused = session.reusePrefix(prompt);
        for (int t : prompt) sampler.accept(t);
        session.feed(prompt, reused, prompt.length - reused, logits);
        session.checkpoint();
        generationStart = System.nanoTime();
        promptNanos = generationStart - t0;
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
        session.checkpoint();
        long genNanos = System.nanoTime() - generationStart;
        done = new GenerationEvent.Done(reason, text.toString(),
                new Timings(prompt.length, reused, promptNanos, generated, genNanos));
        pending.add(done);
        onDone.accept(done);
    }
}
