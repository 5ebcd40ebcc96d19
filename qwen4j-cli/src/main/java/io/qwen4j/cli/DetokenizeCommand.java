package io.qwen4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.tokenizer.Vocabulary;
import java.io.IOException;
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
 * The text of each line's token ids, one JSON string per line: the input and output shapes of the tokenizer
 * oracle's {@code decode} command.
 */
@Command(name = "detokenize", mixinStandardHelpOptions = true,
        description = "Print the text of each input line's token ids (a JSON array) as a JSON string (one line each).")
final class DetokenizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "GGUF file (only its vocabulary is read) or folder with tokenizer.json and tokenizer_config.json.")
    Path source;

    @Option(names = "--input", required = true, paramLabel = "IDS.jsonl", description = "One JSON array of token ids per line; empty lines are skipped.")
    Path input;

    @Option(names = "--skip-special", description = "Leave out special tokens (HF skip_special_tokens: added tokens marked special).")
    boolean skipSpecial;

    @Override
    public Integer call() throws IOException {
        var tokenizer = TokenizerSource.open(source).tokenizer();
        int[] types = tokenizer.vocabulary().tokenTypes();
        var out = new ArrayList<String>();
        List<String> lines = Files.readAllLines(input, StandardCharsets.UTF_8);
        for (int n = 0; n < lines.size(); n++) {
            if (lines.get(n).isEmpty()) continue;
            JsonNode row = TokenizeCommand.jsonLine(input, n + 1, lines.get(n));
            if (row == null || !row.isArray()) throw new IOException(input + " line " + (n + 1) + ": not a JSON array of token ids");
            int[] ids = new int[row.size()];
            int count = 0;
            for (JsonNode id : row) {
                if (!id.canConvertToInt() || !id.isIntegralNumber()) {
                    throw new IOException(input + " line " + (n + 1) + ": not a token id: " + id);
                }
                int i = id.intValue();
                // HF skip_special_tokens drops the added tokens marked special, which are CONTROL tokens here
                if (skipSpecial && i >= 0 && i < types.length && types[i] == Vocabulary.CONTROL) continue;
                ids[count++] = i;
            }
            out.add(OracleJson.line(tokenizer.decode(Arrays.copyOf(ids, count))));
        }
        TokenizeCommand.printLines(out);
        return 0;
    }
}
