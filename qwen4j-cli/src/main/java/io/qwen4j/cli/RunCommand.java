package io.qwen4j.cli;

import io.qwen4j.engine.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Answer one chat message (or continue raw text with --raw), streaming the reply to stdout.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model file, or a model reference (qwen3:0.6b, ORG/REPO[:QUANT]) pulled when missing.")
    Path model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT", description = "The message (read from stdin when absent).")
    String prompt;

    @Option(names = "--raw", description = "Continue the prompt as plain text, without chat markup.")
    boolean raw;

    @Mixin
    ChatOptions chatOptions;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingMixin sampling;

    @Override
    public Integer call() throws IOException {
        String text = prompt != null ? prompt : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        try (Model m = modelOptions.open(model)) {
            var request = sampling.request();
            if (raw) {
                Printing.stream(m.complete(text, request), System.out, System.err, chatOptions.stats);
            } else {
                Printing.stream(chatOptions.newChat(m).send(text, request), System.out, System.err, chatOptions.stats);
            }
        }
        return 0;
    }

}
