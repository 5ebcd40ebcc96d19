package io.qwen4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qwen4j.chat.ChatFormat;
import io.qwen4j.gguf.GgufSplit;
import io.qwen4j.tokenizer.GgufVocabulary;
import io.qwen4j.tokenizer.Tokenizer;
import io.qwen4j.tokenizer.TokenizerJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the tokenizer and template commands read from a SOURCE: a GGUF file (only its metadata and vocabulary; the
 * weights are not mapped) or a Hugging Face folder with {@code tokenizer.json} and {@code tokenizer_config.json}
 * (whose {@code chat_template}, {@code bos_token} and {@code eos_token} give the chat format).
 *
 * @param chatTemplate the Jinja chat template's text, or null when the source has none
 * @param bosToken the BOS token's text, or null (passed to templates as {@code bos_token})
 * @param eosToken the EOS token's text, or null (passed to templates as {@code eos_token})
 */
record TokenizerSource(Tokenizer tokenizer, ChatFormat chatFormat, String chatTemplate, String bosToken, String eosToken) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TokenizerSource open(Path source) throws IOException {
        if (Files.isDirectory(source)) return openFolder(source);
        if (!Files.isRegularFile(source)) throw new IOException("no such GGUF file or tokenizer folder: " + source);
        try (var gguf = GgufSplit.open(source)) {
            Tokenizer tokenizer = GgufVocabulary.tokenizer(gguf);
            var v = tokenizer.vocabulary();
            return new TokenizerSource(tokenizer, ChatFormat.fromGguf(gguf), gguf.getString("tokenizer.chat_template", null),
                    v.bosId() >= 0 ? tokenizer.tokenText(v.bosId()) : null, v.eosId() >= 0 ? tokenizer.tokenText(v.eosId()) : null);
        }
    }

    private static TokenizerSource openFolder(Path dir) throws IOException {
        Path tokenizerJson = dir.resolve("tokenizer.json");
        Path configJson = dir.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(tokenizerJson)) throw new IOException(dir + ": has no tokenizer.json");
        Tokenizer tokenizer = TokenizerJson.read(tokenizerJson);
        JsonNode config = JSON.createObjectNode();
        if (Files.isRegularFile(configJson)) {
            try {
                config = JSON.readTree(Files.readString(configJson, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IOException(configJson + ": not valid JSON: " + e.getMessage(), e);
            }
        }
        String bos = tokenText(config.path("bos_token"));
        String eos = tokenText(config.path("eos_token"));
        String template = chatTemplate(config.path("chat_template"), configJson);
        return new TokenizerSource(tokenizer, ChatFormat.of(template, bos, eos, configJson + "'s chat_template"), template, bos, eos);
    }

    /** A special token as tokenizer_config.json writes it: a string, {"content": ...} (AddedToken), or null. */
    private static String tokenText(JsonNode node) {
        if (node.isTextual()) return node.asText();
        if (node.isObject() && node.path("content").isTextual()) return node.path("content").asText();
        return null;
    }

    /** The template: a string, or a list of {"name", "template"} of which transformers uses "default". */
    private static String chatTemplate(JsonNode node, Path where) throws IOException {
        if (node.isMissingNode() || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        if (node.isArray()) {
            for (JsonNode t : node) if (t.path("name").asText().equals("default")) return t.path("template").asText();
        }
        throw new IOException(where + ": chat_template is neither a string nor a list with a \"default\" template");
    }
}
