package io.qwen4j.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void withoutATerminalItPrintsOneLinePerTenPercent() {
        var bytes = new ByteArrayOutputStream();
        var bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        for (long done = 0; done <= 1_000_000; done += 10_000) bar.update("dir/Qwen3-0.6B-Q8_0.gguf", done, 1_000_000);
        bar.finished("dir/Qwen3-0.6B-Q8_0.gguf");
        var lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(11);
        assertThat(lines.get(5)).startsWith("Qwen3-0.6B-Q8_0.gguf [###############...............]  50%      0.5/1.0 MB").endsWith("MB/s");
        assertThat(lines.getLast()).contains("100%", "1.0/1.0 MB").doesNotContain("\r");
    }

    @Test
    void onATerminalItRedrawsInPlace() {
        var bytes = new ByteArrayOutputStream();
        var bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        bar.update("a.gguf", 0, 100);
        bar.update("a.gguf", 100, 100);
        bar.finished("a.gguf");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).startsWith("\ra.gguf [").contains("\ra.gguf [" + "#".repeat(30) + "] 100%").endsWith(System.lineSeparator());
    }
}
