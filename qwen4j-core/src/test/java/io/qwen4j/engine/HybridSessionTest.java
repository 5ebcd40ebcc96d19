package io.qwen4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.gguf.GgufFile;
import io.qwen4j.model.KvCache;
import io.qwen4j.model.LanguageModel;
import io.qwen4j.model.ModelConfig;
import io.qwen4j.model.synthetic.RandomModelWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prefix reuse on a hybrid model, whose DeltaNet state cannot be cut back token by token: the next turn resumes from
 * the checkpoint the session took at the end of the previous prompt or generation, processes only the new tokens,
 * and gives the logits a fresh run of the whole prompt gives.
 */
class HybridSessionTest {
    @TempDir
    static Path dir;

    static Model opened;
    static Counting counting;
    static Model model;

    /** Counts the tokens passed to forward and keeps the logits of the latest call. */
    static final class Counting implements LanguageModel {
        final LanguageModel inner;
        final List<Integer> calls = new ArrayList<>();
        float[] lastLogits;

        Counting(LanguageModel inner) {
            this.inner = inner;
        }

        @Override
        public ModelConfig config() {
            return inner.config();
        }

        @Override
        public GgufFile gguf() {
            return inner.gguf();
        }

        @Override
        public KvCache newCache(int contextSize) {
            return inner.newCache(contextSize);
        }

        @Override
        public void forward(KvCache cache, int[] tokens, int off, int n, float[] logits, boolean allRows) {
            inner.forward(cache, tokens, off, n, logits, allRows);
            calls.add(n);
            lastLogits = Arrays.copyOf(logits, config().vocabSize());
        }

        @Override
        public void close() {}

        int processed() {
            return calls.stream().mapToInt(Integer::intValue).sum();
        }
    }

    @BeforeAll
    static void open() throws Exception {
        Path file = dir.resolve("qwen35moe.gguf");
        var spec = RandomModelWriter.Spec.tinyQwen3().withArchitecture("qwen35moe").withShape(64, 4, 2, 1, 64, 128).withStd(0.1f);
        RandomModelWriter.write(spec, file);
        opened = Model.open(file, new Model.Options(2, 512));
        counting = new Counting(opened.languageModel());
        model = new Model(counting, opened.tokenizer(), 512);
    }

    @AfterAll
    static void close() {
        opened.close();
    }

    private static int[] tokens(int from, int n) {
        return IntStream.range(0, n).map(i -> (from + 37 * i) % 300).toArray();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /** The logits after a fresh session processes the whole prompt. */
    private static float[] freshLogits(int[] prompt) {
        model.newSession().generate(prompt, GenerationRequest.greedy(1)).await();
        return counting.lastLogits;
    }

    /** Runs a turn; returns the logits after its prompt and the tokens forward saw for it. */
    private static float[] turn(Session session, int[] prompt, int maxTokens, List<Integer> generated, int[] processedPrompt) {
        counting.calls.clear();
        var g = session.generate(prompt, GenerationRequest.greedy(maxTokens));
        var first = g.next(); // the prompt is processed before the first token is sampled
        float[] logits = counting.lastLogits;
        processedPrompt[0] = counting.processed();
        if (first instanceof GenerationEvent.Token t && t.id() >= 0) generated.add(t.id());
        g.stream(e -> { if (e instanceof GenerationEvent.Token t && t.id() >= 0) generated.add(t.id()); });
        return logits;
    }

    @Test
    void secondTurnProcessesOnlyItsNewTokensAndMatchesAFreshRun() {
        Session session = model.newSession();
        int[] first = tokens(5, 40);
        var generated = new ArrayList<Integer>();
        int[] processed = new int[1];
        turn(session, first, 6, generated, processed);
        assertThat(processed[0]).isEqualTo(first.length);
        // The session fed all generated tokens but the last, and took a checkpoint there.
        int[] fed = generated.subList(0, generated.size() - 1).stream().mapToInt(Integer::intValue).toArray();
        int[] second = concat(first, fed, tokens(11, 25));

        var none = new ArrayList<Integer>();
        float[] reused = turn(session, second, 1, none, processed);
        assertThat(processed[0]).isEqualTo(25);
        float[] fresh = freshLogits(second);
        assertThat(maxAbsDiff(reused, fresh)).isLessThan(1e-4);
    }

    @Test
    void checkpointsEveryIntervalLetAPromptSharingPartOfALongOneResumeNearWhereTheyDiverge() {
        model.setCheckpointInterval(64);
        try {
            Session session = model.newSession();
            int[] first = tokens(9, 200);
            int[] processed = new int[1];
            turn(session, first, 1, new ArrayList<>(), processed);
            // Shares the first 150 tokens: the checkpoint at 128 is the latest within them.
            int[] second = concat(java.util.Arrays.copyOf(first, 150), tokens(13, 10));
            float[] reused = turn(session, second, 1, new ArrayList<>(), processed);
            assertThat(processed[0]).isEqualTo(second.length - 128);
            assertThat(maxAbsDiff(reused, freshLogits(second))).isLessThan(1e-4);
        } finally {
            model.setCheckpointInterval(Model.DEFAULT_CHECKPOINT_INTERVAL);
        }
    }

    @Test
    void promptThatLeavesTheCachedTokensEarlyResumesFromAnEarlierCheckpoint() {
        Session session = model.newSession();
        int[] first = tokens(3, 30);
        int[] processed = new int[1];
        turn(session, first, 1, new ArrayList<>(), processed);
        int[] second = concat(first, tokens(7, 20));
        turn(session, second, 1, new ArrayList<>(), processed);
        assertThat(processed[0]).isEqualTo(20);
        // Diverges after 40 tokens: the checkpoint at 50 is past that, the one at 30 is not.
        int[] third = concat(Arrays.copyOf(second, 40), tokens(9, 15));
        var done = session.generate(third, GenerationRequest.greedy(1));
        counting.calls.clear();
        var result = done.await();
        float[] resumed = counting.lastLogits;
        assertThat(result.timings().reusedTokens()).isEqualTo(30);
        assertThat(counting.calls.getFirst()).isEqualTo(third.length - 30);
        assertThat(maxAbsDiff(resumed, freshLogits(third))).isLessThan(1e-4);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
