package io.qwen4j.bench;

import io.qwen4j.tokenizer.AddedTokens;
import io.qwen4j.tokenizer.Tokenizer;
import io.qwen4j.tokenizer.TokenizerJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode throughput of the tokenizer on one text: the whole text as one string, and line by line. Compare with
 * HF {@code tokenizers} on the same files: {@code scripts/tokenizer/hf_bench.mjs}.
 * <pre>
 * python3 scripts/tokenizer/make_bench_text.py bench.txt     # ~1 MB of mixed text
 * QWEN4J_TOKENIZER_JSON=path/to/tokenizer.json QWEN4J_BENCH_TEXT=bench.txt \
 *   java -jar qwen4j-bench/target/qwen4j-bench.jar TokenizerBenchmark
 * </pre>
 * MB/s = text bytes / time; the bytes and token counts are printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TokenizerBenchmark {
    private Tokenizer tokenizer;
    private String text;
    private String[] lines;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        tokenizer = TokenizerJson.read(Path.of(env("QWEN4J_TOKENIZER_JSON")));
        text = Files.readString(Path.of(env("QWEN4J_BENCH_TEXT")), StandardCharsets.UTF_8);
        lines = text.split("\n", -1);
        System.out.printf("%ntext: %d bytes, %d tokens%n", text.getBytes(StandardCharsets.UTF_8).length,
                tokenizer.encode(text, AddedTokens.ALL).length);
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalStateException("set " + name + " (see TokenizerBenchmark's documentation)");
        }
        return v;
    }

    @Benchmark
    public int[] whole() {
        return tokenizer.encode(text, AddedTokens.ALL);
    }

    @Benchmark
    public int lines() {
        int n = 0;
        for (String line : lines) {
            n += tokenizer.encode(line, AddedTokens.ALL).length;
        }
        return n;
    }
}
