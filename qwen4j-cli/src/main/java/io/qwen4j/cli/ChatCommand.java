package io.qwen4j.cli;

import io.qwen4j.engine.Model;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Interactive multi-turn chat. One message per line; /bye or end of input quits.")
final class ChatCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF model file, or a model reference (qwen3:0.6b, ORG/REPO[:QUANT]) pulled when missing.")
    Path model;

    @Mixin
    ChatOptions chatOptions;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingMixin sampling;

    @Override
    public Integer call() throws IOException {
        try (Model m = modelOptions.open(model)) {
            var chat = chatOptions.newChat(m);
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            var request = sampling.request();
            while (true) {
                System.out.print("> ");
                System.out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/bye")) break;
                if (line.isBlank()) continue;
                Printing.stream(chat.send(line, request), System.out, System.err, chatOptions.stats);
            }
        }
        return 0;
    }
}
