package io.qwen4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.model.Logits;
import io.qwen4j.model.synthetic.RandomModelWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end on a generated model, through picocli as a user types them. */
class CliTest {
    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void writeModel() throws Exception {
        model = dir.resolve("tiny.gguf");
        RandomModelWriter.write(RandomModelWriter.Spec.tinyQwen3(), model);
    }

    record Result(int exitCode, String out, String err) {}

    /** Runs the CLI in-process, capturing System.out (streamed text) and picocli's error writer. */
    static Result run(String... args) {
        return runWithInput("", args);
    }

    static synchronized Result runWithInput(String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new StringWriter();
        PrintStream saved = System.out;
        var savedIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            var cl = Main.commandLine(UsesHub.FROM_ENVIRONMENT, args.length > 0 ? args[0] : null); // as main() builds it
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
            System.setIn(savedIn);
        }
    }

    @Test
    void aCommandLineForOneCommandRegistersOnlyThatOneAndUsageStillListsAll() {
        var all = Main.COMMANDS.stream().map(c -> c == picocli.CommandLine.HelpCommand.class ? "help" : Main.names(c).getFirst()).toList();
        assertThat(all).doesNotHaveDuplicates().contains("run", "serve", "pull", "list");
        for (Class<?> command : Main.COMMANDS) {
            if (command == picocli.CommandLine.HelpCommand.class) {
                assertThat(commandsOf(Main.commandLine(UsesHub.FROM_ENVIRONMENT, "help"))).containsExactlyElementsOf(all);
                continue;
            }
            for (String name : Main.names(command)) { // "ls" as well as "list"
                assertThat(commandsOf(Main.commandLine(UsesHub.FROM_ENVIRONMENT, name))).containsExactly(Main.names(command).getFirst());
            }
        }
        for (String first : new String[] {null, "--help", "-V", "nonsense"}) {
            assertThat(commandsOf(Main.commandLine(UsesHub.FROM_ENVIRONMENT, first))).containsExactlyElementsOf(all);
        }
        var unknown = run("nonsense");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("Unmatched argument", "nonsense");
        var usage = run();
        assertThat(usage.out()).contains("run", "chat", "serve", "quantize", "pull");
        var help = run("help", "run");
        assertThat(help.out()).contains("Usage: qwen4j run");
    }

    private static java.util.List<String> commandsOf(picocli.CommandLine cl) {
        return cl.getSubcommands().values().stream().map(picocli.CommandLine::getCommandName).distinct().toList();
    }

    @Test
    void splitModelInspectsAndRunsFromAnyPartAndNamesAMissingOne() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("split"));
        java.util.List<Path> parts;
        try (var f = io.qwen4j.gguf.GgufFile.open(model)) {
            parts = io.qwen4j.gguf.GgufSplit.write(f, sub.resolve("tiny"), 3);
        }
        var r = run("inspect", parts.get(1).toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("split model in 3 parts", "tiny-00001-of-00003.gguf", "tiny-00003-of-00003.gguf",
                "general.architecture", "output_norm.weight", "token_embd.weight");
        Path out = dir.resolve("split-logits.f32");
        assertThat(run("logits", parts.getLast().toString(), "--tokens", "1,2,3", "-o", out.toString(), "-t", "1").exitCode()).isZero();
        assertThat(Logits.read(out)).hasSize(3 * 384);
        // quantizing reads every part and writes one file without the split keys
        Path q8 = dir.resolve("from-split-q8.gguf");
        assertThat(run("quantize", parts.getFirst().toString(), q8.toString(), "Q8_0").exitCode()).isZero();
        try (var f = io.qwen4j.gguf.GgufFile.open(q8); var whole = io.qwen4j.gguf.GgufFile.open(model)) {
            assertThat(f.has("split.count")).isFalse();
            assertThat(f.tensors()).hasSize(whole.tensors().size());
        }
        Files.delete(parts.getFirst());
        var missing = run("inspect", parts.get(1).toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("no such file or directory", "tiny-00001-of-00003.gguf", "part 1 of 3");
    }

    /** bench prints llama-bench-like RESULT lines, and its warm-up lasts at least the seconds asked for. */
    @Test
    void benchPrintsResultLinesAfterItsWarmUp() {
        long t0 = System.nanoTime();
        var r = run("bench", model.toString(), "-p", "8", "-n", "4", "-r", "2", "-t", "2", "--warmup", "1.5");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("RESULT engine=qwen4j model=tiny.gguf type=\\S+ threads=2 test=pp8 reps=2 median_tok_s=[0-9.]+ samples=[0-9.]+,[0-9.]+")
                .containsPattern("test=tg4 reps=2 median_tok_s=[0-9.]+ .*effective_gb_s=");
        assertThat(seconds).as("two tests, each warmed up for 1.5 s").isGreaterThan(3.0);
    }

    @Test
    void inspectListsMetadataAndTensors() {
        var r = run("inspect", model.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("general.architecture", "\"qwen3\"", "blk.0.attn_q_norm.weight", "token_embd.weight", "GGUF version 3");
    }

    @Test
    void logitsCommandWritesOneRowPerToken() throws Exception {
        Path out = dir.resolve("logits.f32");
        for (String mode : new String[] {"batch", "step"}) {
            var r = run("logits", model.toString(), "--tokens", "5,300,17", "--out", out.toString(), "--mode", mode);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(Files.size(out)).isEqualTo(3L * 384 * Float.BYTES);
        }
        float[] step = Logits.read(out);
        run("logits", model.toString(), "--tokens", "5,300,17", "--out", out.toString(), "--mode", "batch");
        float[] batch = Logits.read(out);
        for (int i = 0; i < batch.length; i++) assertThat(step[i]).isCloseTo(batch[i], org.assertj.core.data.Offset.offset(1e-4f));
    }

    @Test
    void greedyRunIsDeterministicAndHonoursMaxTokens() {
        var a = run("run", model.toString(), "Hello", "--temp", "0", "-n", "6", "-t", "1");
        var b = run("run", model.toString(), "Hello", "--temp", "0", "-n", "6", "-t", "2");
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(a.out()).isEqualTo(b.out());
    }

    @Test
    void runReadsThePromptFromStdinWhenAbsent() {
        var fromArg = run("run", model.toString(), "hello world", "--temp", "0", "-n", "5");
        var fromStdin = runWithInput("hello world", "run", model.toString(), "--temp", "0", "-n", "5");
        assertThat(fromStdin.exitCode()).as(fromStdin.err()).isZero();
        assertThat(fromStdin.out()).isEqualTo(fromArg.out());
    }

    @Test
    void chatAnswersEachLineUntilBye() {
        var r = runWithInput("hello\n\nthe sky\n/bye\nnever read\n", "chat", model.toString(), "--temp", "0", "-n", "4");
        assertThat(r.exitCode()).as(r.err()).isZero();
        // A prompt before each of the two messages and one before /bye; the blank line is skipped.
        assertThat(r.out().split("> ", -1)).hasSize(5);
    }

    @Test
    void seededSamplingRepeats() {
        var a = run("run", model.toString(), "Hello", "--seed", "7", "-n", "8");
        var b = run("run", model.toString(), "Hello", "--seed", "7", "-n", "8");
        assertThat(a.out()).isEqualTo(b.out());
    }

    @Test
    void missingFileIsAClearError() {
        var r = run("run", dir.resolve("nope.gguf").toString(), "hi");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("error: no such model file").contains("nope.gguf");
    }

    @Test
    void corruptFileIsAClearError() throws Exception {
        Path bad = dir.resolve("bad.gguf");
        byte[] bytes = Files.readAllBytes(model);
        Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        var r = run("run", bad.toString(), "hi");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains("bad.gguf");
    }

    @Test
    void promptLongerThanContextIsRefused() {
        var r = run("run", model.toString(), "hello world ".repeat(50), "--ctx", "32", "-n", "4");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("context holds 32");
    }

    @Test
    void demoRunsOffline() {
        var r = run("demo", "--prompt", "Hi", "-n", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("RANDOM weights").contains("assistant>");
    }

    @Test
    void demoWritesTheRequestedMatrixType() {
        // The launcher's startup-cache training runs the demo on Q8_0 weights (the kernels people run).
        var r = run("demo", "--prompt", "Hi", "-n", "3", "--type", "Q8_0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Q8_0").contains("assistant>");
    }

    @Test
    void quantizeWritesAMixWithProgressAndTheLlamaFileType() throws Exception {
        Path out = dir.resolve("tiny-q4_k_m.gguf");
        var r = run("quantize", model.toString(), out.toString(), "q4_k_m", "-t", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote", "Q4_K_M");
        assertThat(r.err()).contains("1/", "token_embd.weight", "MB/s");
        try (var gguf = io.qwen4j.gguf.GgufFile.open(out)) {
            assertThat(gguf.getLong("general.file_type")).isEqualTo(15); // LLAMA_FTYPE_MOSTLY_Q4_K_M
            // rows of 64 elements do not fit 256-blocks: Q4_K falls back to Q5_0, the tied embedding to Q8_0
            assertThat(gguf.tensor("blk.0.attn_q.weight").orElseThrow().type()).isEqualTo(io.qwen4j.tensor.GgmlType.Q5_0);
            assertThat(gguf.tensor("token_embd.weight").orElseThrow().type()).isEqualTo(io.qwen4j.tensor.GgmlType.Q8_0);
            assertThat(gguf.tensor("blk.0.attn_norm.weight").orElseThrow().type()).isEqualTo(io.qwen4j.tensor.GgmlType.F32);
        }
    }

    @Test
    void quantizedModelRuns() {
        Path out = dir.resolve("tiny-q8_0.gguf");
        assertThat(run("quantize", model.toString(), out.toString(), "Q8_0", "--pure").exitCode()).isZero();
        var r = run("run", out.toString(), "Hello", "--temp", "0", "-n", "3", "-t", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void quantizeRefusesUnknownTypesAndQuantizedInputs() {
        var unknown = run("quantize", model.toString(), dir.resolve("x.gguf").toString(), "Q3_X");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("unknown quantization type 'Q3_X'", "Q4_K_M");
        assertThat(dir.resolve("x.gguf")).doesNotExist();

        Path q8 = dir.resolve("already-q8.gguf");
        assertThat(run("quantize", model.toString(), q8.toString(), "Q8_0", "--pure").exitCode()).isZero();
        var again = run("quantize", q8.toString(), dir.resolve("y.gguf").toString(), "Q4_K_M");
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("already quantized", "Q8_0", "F32, F16 or BF16");
        assertThat(dir.resolve("y.gguf")).doesNotExist();

        var missing = run("quantize", dir.resolve("missing.gguf").toString(), dir.resolve("z.gguf").toString(), "Q8_0");
        assertThat(missing.err()).contains("no such file or directory", "missing.gguf");
        var noDir = run("quantize", model.toString(), dir.resolve("no/such/dir/z.gguf").toString(), "Q8_0");
        assertThat(noDir.err()).contains("does not exist");

        var same = run("quantize", model.toString(), model.toString(), "Q8_0");
        assertThat(same.exitCode()).isNotZero();
        assertThat(same.err()).contains("must differ");
    }

    /**
     * The launcher tunes the JIT for named kernel methods (CompileThresholdScaling, decision 0017); a renamed method
     * would leave the flag matching nothing, silently. Every method the launcher names must exist.
     */
    @Test
    void everyMethodTheLauncherTunesExists() throws Exception {
        String launcher = Files.readString(Path.of("..", "qwen4j"));
        var named = java.util.regex.Pattern.compile("CompileThresholdScaling,([\\w.$*]+)::([\\w*]+),").matcher(launcher);
        int count = 0;
        while (named.find()) {
            String owner = named.group(1);
            String method = named.group(2);
            count++;
            if (owner.endsWith(".*")) { // every class of a package and its subpackages: the package must exist
                String dir = owner.substring(0, owner.length() - 2).replace('.', '/');
                assertThat(getClass().getClassLoader().getResource(dir)).as("package %s named in the launcher", owner).isNotNull();
                continue;
            }
            Class<?> type = Class.forName(owner, false, getClass().getClassLoader());
            if (method.equals("*")) continue;
            assertThat(java.util.Arrays.stream(type.getDeclaredMethods()).map(java.lang.reflect.Method::getName))
                    .as("%s::%s named in the launcher", type.getName(), method).contains(method);
        }
        assertThat(count).isGreaterThanOrEqualTo(4);
    }
}
