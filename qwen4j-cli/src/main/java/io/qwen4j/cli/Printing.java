package io.qwen4j.cli;

import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import java.io.PrintStream;
import java.util.Locale;

/** Streams a generation to a terminal. */
final class Printing {
    private Printing() {}

    static GenerationEvent.Done stream(Generation g, PrintStream out, PrintStream err, boolean stats) {
        var done = g.stream(e -> {
            if (e instanceof GenerationEvent.Token t) {
                out.print(t.text());
                out.flush();
            }
        });
        out.println();
        out.flush();
        if (stats) {
            var t = done.timings();
            err.printf(Locale.ROOT, "[%s] prompt: %d tokens (%d reused) %.1f tok/s | generated: %d tokens %.1f tok/s%n",
                    done.reason().name().toLowerCase(Locale.ROOT), t.promptTokens(), t.reusedTokens(),
                    t.promptTokensPerSecond(), t.generatedTokens(), t.generationTokensPerSecond());
        }
        return done;
    }
}
