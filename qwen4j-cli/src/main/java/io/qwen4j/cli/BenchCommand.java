package io.qwen4j.cli;

import io.qwen4j.engine.BatchScheduler;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.engine.Model;
import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.model.KvCache;
import io.qwen4j.model.LanguageModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * llama-bench's method: pp = one batch of p prompt tokens on an empty cache; tg = n tokens decoded one at a time
 * from an empty cache; warm-up runs, then the median over reps. The warm-up lasts at least one run and
 * {@code --warmup} seconds: the JIT compiles the per-layer code that runs a few times per token (attention, MoE
 * routing, norms) seconds after the kernels, and until then a short run measures the compiler, not the engine
 * (a 64-token run on a small MoE went 78 -> 150 tok/s over its first ten repetitions after one warm-up run).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt processing (pp) and decode (tg) speed like llama-bench; prints RESULT lines.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model file, or a model reference (qwen3:0.6b, ORG/REPO[:QUANT]) pulled when missing.")
    Path model;

    @Option(names = "-p", description = "Prompt tokens for the pp test, 0 = skip (default: ${DEFAULT-VALUE}).")
    int promptTokens = 512;

    @Option(names = "-n", description = "Tokens for the tg test, 0 = skip (default: ${DEFAULT-VALUE}).")
    int genTokens = 128;

    @Option(names = {"-r", "--reps"}, description = "Repetitions (default: ${DEFAULT-VALUE}).")
    int reps = 5;

    @Option(names = "--warmup", description = "Seconds of warm-up runs before each test, at least one run (default: ${DEFAULT-VALUE}).")
    double warmupSeconds = 5;

    @Option(names = "--parallel", description = "Also run P concurrent generations of n tokens each through the "
            + "continuous-batching scheduler and report their aggregate speed (test=tgN-parallelP), 0 = skip (default: ${DEFAULT-VALUE}).")
    int parallel = 0;

    @Option(names = "--stress-jdk-profiles", hidden = true, description = "Before opening the model, run Vector API "
            + "loads and scalar reads on heap segments through the JDK methods the kernels share, so that their type "
            + "profiles are mixed when C2 compiles the kernels (decision 0016). A kernel that still depends on those "
            + "profiles decodes several times slower with this option.")
    boolean stressJdkProfiles;

    @Mixin
    ModelOptions modelOptions;

    /** Prompt length of each concurrent generation in the parallel test. */
    private static final int PARALLEL_PROMPT = 16;

    @Override
    public Integer call() throws IOException {
        if (stressJdkProfiles) mixSegmentProfiles();
        if (modelOptions.contextSize == 0) modelOptions.contextSize = Math.max(promptTokens, genTokens + PARALLEL_PROMPT) + 1;
        try (Model m = modelOptions.open(model)) {
            LanguageModel lm = m.languageModel();
            int vocab = lm.config().vocabSize();
            var rng = new SplittableRandom(1);
            float[] logits = new float[vocab];
            String type = dominantType(m);
            int threads = modelOptions.threads > 0 ? modelOptions.threads : io.qwen4j.tensor.Parallel.defaultThreads();
            if (promptTokens > 0) {
                int[] prompt = rng.ints(promptTokens, 0, vocab).toArray();
                var samples = measure(() -> {
                    KvCache cache = lm.newCache(promptTokens);
                    lm.forward(cache, prompt, 0, promptTokens, logits, false);
                }, promptTokens);
                report(type, threads, "pp" + promptTokens, samples, "");
            }
            if (genTokens > 0) {
                int[] tokens = rng.ints(genTokens, 0, vocab).toArray();
                var samples = measure(() -> {
                    KvCache cache = lm.newCache(genTokens);
                    for (int i = 0; i < genTokens; i++) lm.forward(cache, tokens, i, 1, logits, false);
                }, genTokens);
                long bytes = weightBytesPerToken(m);
                double median = median(samples);
                report(type, threads, "tg" + genTokens, samples, String.format(Locale.ROOT,
                        " weights_bytes_per_token=%d effective_gb_s=%.2f", bytes, bytes * median / 1e9));
            }
            if (parallel > 0 && genTokens > 0) measureParallel(m, rng, type, threads);
        }
        return 0;
    }

    /** Heap-segment reads through the shared JDK paths: vector loads of every lane type, and scalar gets. */
    private static void mixSegmentProfiles() {
        var heap = java.lang.foreign.MemorySegment.ofArray(new byte[256]);
        var order = java.nio.ByteOrder.LITTLE_ENDIAN;
        long sum = 0;
        for (int i = 0; i < 20_000; i++) {
            int at = i & 31;
            sum += jdk.incubator.vector.ByteVector.fromMemorySegment(jdk.incubator.vector.ByteVector.SPECIES_64, heap, at, order).lane(0);
            sum += jdk.incubator.vector.ByteVector.fromMemorySegment(jdk.incubator.vector.ByteVector.SPECIES_128, heap, at, order).lane(0);
            sum += jdk.incubator.vector.ByteVector.fromMemorySegment(jdk.incubator.vector.ByteVector.SPECIES_256, heap, at, order).lane(0);
            sum += (long) jdk.incubator.vector.FloatVector.fromMemorySegment(jdk.incubator.vector.FloatVector.SPECIES_256, heap, at, order).lane(0);
            sum += jdk.incubator.vector.ShortVector.fromMemorySegment(jdk.incubator.vector.ShortVector.SPECIES_128, heap, at, order).lane(0);
            sum += heap.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), at);
            sum += heap.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), at);
            sum += heap.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at);
        }
        if (sum == Long.MIN_VALUE) System.out.print(""); // keeps the reads
    }

    /**
     * Continuous batching: {@code parallel} generations submitted at once against one generation alone, both through
     * the scheduler, alternated rep by rep so machine noise hits both alike; tokens/s counts the tokens actually
     * generated (fresh random prompts each run, so no prefix is reused).
     */
    private void measureParallel(Model m, SplittableRandom rng, String type, int threads) {
        int vocab = m.config().vocabSize();
        try (var scheduler = new BatchScheduler(m, new BatchScheduler.Config(parallel, parallel, 512))) {
            java.util.function.IntFunction<Double> run = streams -> {
                long t0 = System.nanoTime();
                var futures = new ArrayList<java.util.concurrent.CompletableFuture<GenerationEvent.Done>>();
                for (int i = 0; i < streams; i++) {
                    Generation g = scheduler.submit(rng.ints(PARALLEL_PROMPT, 0, vocab).toArray(), GenerationRequest.greedy(genTokens));
                    futures.add(java.util.concurrent.CompletableFuture.supplyAsync(g::await, Thread::startVirtualThread));
                }
                long tokens = futures.stream().mapToLong(f -> f.join().timings().generatedTokens()).sum();
                return tokens * 1e9 / (System.nanoTime() - t0);
            };
            run.apply(1);
            run.apply(parallel); // warm-up of both shapes
            var single = new ArrayList<Double>();
            var many = new ArrayList<Double>();
            for (int r = 0; r < reps; r++) {
                single.add(run.apply(1));
                many.add(run.apply(parallel));
            }
            report(type, threads, "tg" + genTokens + "-stream1", single, "");
            report(type, threads, "tg" + genTokens + "-parallel" + parallel, many,
                    String.format(Locale.ROOT, " ratio_vs_stream1=%.2f", median(many) / median(single)));
        }
    }

    private List<Double> measure(Runnable run, int tokens) {
        long warm = System.nanoTime();
        do run.run(); // warm-up: JIT and page faults
        while (System.nanoTime() - warm < (long) (warmupSeconds * 1e9));
        var samples = new ArrayList<Double>();
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            run.run();
            samples.add(tokens * 1e9 / (System.nanoTime() - t0));
        }
        return samples;
    }

    private void report(String type, int threads, String test, List<Double> samples, String extra) {
        System.out.printf(Locale.ROOT, "RESULT engine=qwen4j model=%s type=%s threads=%d test=%s reps=%d median_tok_s=%.2f samples=%s%s%n",
                model.getFileName(), type, threads, test, reps, median(samples),
                samples.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).collect(Collectors.joining(",")), extra);
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** The type holding most of the weight bytes (what llama-bench reports as the model type). */
    private static String dominantType(Model m) {
        var bytes = new java.util.EnumMap<io.qwen4j.tensor.GgmlType, Long>(io.qwen4j.tensor.GgmlType.class);
        for (GgufTensorInfo t : m.gguf().tensors()) bytes.merge(t.type(), t.byteSize(), Long::sum);
        return bytes.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("?");
    }

    /** Bytes of weights a decode step reads: every tensor but the embedding table (one row of it), plus the output matrix. */
    private static long weightBytesPerToken(Model m) {
        long total = 0;
        boolean hasOutput = m.gguf().tensor("output.weight").isPresent();
        for (GgufTensorInfo t : m.gguf().tensors()) {
            if (t.name().equals("token_embd.weight")) {
                total += hasOutput ? t.byteSize() / t.dim(1) : t.byteSize();
            } else {
                total += t.byteSize();
            }
        }
        return total;
    }

}
