package io.qwen4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.tokenizer.AddedTokens;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Token ids of each line of a file, one JSON array per line: the input and output shapes of the tokenizer oracle's
 * {@code encode} command, so that both outputs can be diffed. No BOS/EOS is added (HF {@code add_special_tokens=False}).
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of each input line as a JSON array (one line each).")
final class TokenizeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The oracle's names for {@link AddedTokens}. */
    enum Mode {
        special(AddedTokens.ALL), nospecial(AddedTokens.NON_SPECIAL), plain(AddedTokens.NONE);

        final AddedTokens addedTokens;

        Mode(AddedTokens addedTokens) {
            this.addedTokens = addedTokens;
        }
    }

    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "GGUF file (only its vocabulary is read) or folder with tokenizer.json and tokenizer_config.json.")
    Path source;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "UTF-8 text, one input per line (split on \\n only), or with --jsonl one JSON string per line.")
    Path input;

    @Option(names = "--jsonl", description = "Each input line is a JSON string.")
    boolean jsonl;

    @Option(names = "--whole", description = "Encode the whole file as one input instead of line by line.")
    boolean whole;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "special",
            description = "Added tokens matched in the text: special (all, the default), nospecial (only those not marked special), plain (none).")
    Mode mode;

    @Override
    public Integer call() throws IOException {
        var tokenizer = TokenizerSource.open(source).tokenizer();
        var v = tokenizer.vocabulary();
        boolean addsBos = v.addBos() && v.bosId() >= 0;
        var out = new ArrayList<String>();
        for (String text : whole ? List.of(new String(Files.readAllBytes(input), StandardCharsets.UTF_8)) : inputs(input, jsonl)) {
            int[] ids = tokenizer.encode(text, mode.addedTokens);
            out.add(OracleJson.line(addsBos ? Arrays.copyOfRange(ids, 1, ids.length) : ids));
        }
        printLines(out);
        return 0;
    }

    /** The inputs: lines split on '\n' only, a final '\n' ending the last one (oracle.mjs readTests). */
    static List<String> inputs(Path file, boolean jsonl) throws IOException {
        var lines = new ArrayList<>(Arrays.asList(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n", -1)));
        if (lines.getLast().isEmpty()) lines.removeLast();
        if (!jsonl) return lines;
        var texts = new ArrayList<String>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode node = jsonLine(file, i + 1, lines.get(i));
            if (node == null || !node.isTextual()) throw new IOException(file + " line " + (i + 1) + ": not a JSON string");
            texts.add(node.textValue());
        }
        return texts;
    }

    /** Line {@code number} of {@code file} as JSON; null for a blank line. */
    static JsonNode jsonLine(Path file, int number, String line) throws IOException {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IOException(file + " line " + number + ": not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The lines joined by '\n' with a final '\n', as the oracle writes them (an empty list is one '\n'). */
    static void printLines(List<String> lines) throws IOException {
        var w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        w.write(String.join("\n", lines));
        w.write('\n');
        w.flush();
    }
}
