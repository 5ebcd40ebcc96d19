package io.qwen4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a Hugging Face {@code tokenizer.json} of Qwen's shape: a byte-level BPE model (merges as
 * {@code "a b"} strings or as {@code ["a", "b"]} pairs), added tokens with their {@code special} flag, an NFC
 * (or no) normalizer, and a Split pre-tokenizer with one of Qwen's regexes followed by ByteLevel. Anything
 * else is rejected with a message naming the field, rather than tokenized differently from HF.
 * <p>Added tokens that are {@code special} become CONTROL tokens, the others USER_DEFINED (the types
 * {@link AddedTokens} matches on); ids without a token are UNUSED {@code [PAD<id>]} as in llama.cpp's GGUFs.
 */
public final class TokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerJson() {}

    public static Tokenizer read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    /** Reads {@code tokenizer.json} content; {@code source} names it in error messages. */
    public static Tokenizer read(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new IOException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
    }

    private static Tokenizer parse(JsonNode root) {
        JsonNode model = object(root, "model");
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            throw new IllegalArgumentException("model.type '" + type + "' is not supported (only BPE)");
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw new IllegalArgumentException("model.byte_fallback is not supported (Qwen uses byte-level BPE)");
        }
        for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!model.path(affix).asText("").isEmpty()) {
                throw new IllegalArgumentException("model." + affix + " is not supported");
            }
        }
        if (model.path("ignore_merges").asBoolean(false)) {
            throw new IllegalArgumentException("model.ignore_merges is not supported");
        }

        var vocab = object(model, "vocab");
        JsonNode added = root.path("added_tokens");
        int maxId = -1;
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            maxId = Math.max(maxId, id(e.getValue(), "model.vocab['" + e.getKey() + "']"));
        }
        for (int i = 0; i < added.size(); i++) {
            maxId = Math.max(maxId, id(added.get(i).path("id"), "added_tokens[" + i + "].id"));
        }
        int entries = vocab.size() + added.size();
        if (maxId >= 2 * entries + 65536) {
            throw new IllegalArgumentException("token id " + maxId + " leaves most ids of the vocabulary unused ("
                    + entries + " tokens)");
        }
        var byId = new String[maxId + 1];
        int[] tokenTypes = new int[maxId + 1];
        for (Map.Entry<String, JsonNode> e : vocab.properties()) {
            byId[e.getValue().asInt()] = e.getKey();
            tokenTypes[e.getValue().asInt()] = Vocabulary.NORMAL;
        }
        for (int i = 0; i < added.size(); i++) {
            JsonNode t = added.get(i);
            String where = "added_tokens[" + i + "]";
            if (!t.path("content").isTextual()) {
                throw new IllegalArgumentException(where + ".content is missing");
            }
            for (String flag : List.of("single_word", "lstrip", "rstrip")) {
                if (t.path(flag).asBoolean(false)) {
                    throw new IllegalArgumentException(where + " ('" + t.path("content").asText() + "') sets " + flag
                            + ", which is not supported");
                }
            }
            int id = t.path("id").asInt();
            byId[id] = t.path("content").asText();
            tokenTypes[id] = t.path("special").asBoolean(false) ? Vocabulary.CONTROL : Vocabulary.USER_DEFINED;
        }
        var tokens = new ArrayList<String>(byId.length);
        for (int id = 0; id < byId.length; id++) {
            if (byId[id] == null) {
                byId[id] = "[PAD" + id + "]";
                tokenTypes[id] = Vocabulary.UNUSED;
            }
            tokens.add(byId[id]);
        }

        JsonNode mergesNode = model.path("merges");
        var merges = new ArrayList<String>(mergesNode.size());
        for (int i = 0; i < mergesNode.size(); i++) {
            JsonNode m = mergesNode.get(i);
            if (m.isTextual()) {
                merges.add(m.asText());
            } else if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                merges.add(m.get(0).asText() + " " + m.get(1).asText());
            } else {
                throw new IllegalArgumentException("model.merges[" + i + "] is neither \"a b\" nor [\"a\", \"b\"]: " + m);
            }
        }
        var vocabulary = new Vocabulary(tokens, tokenTypes, merges, -1, -1, -1, -1, false);
        return Tokenizer.create(vocabulary, preTokenizer(root.path("pre_tokenizer")), nfc(root.path("normalizer")));
    }

    /** NFC (possibly as the only member of a Sequence) or none. */
    private static boolean nfc(JsonNode normalizer) {
        if (normalizer.isMissingNode() || normalizer.isNull()) {
            return false;
        }
        String type = normalizer.path("type").asText();
        if (type.equals("NFC")) {
            return true;
        }
        if (type.equals("Sequence") && normalizer.path("normalizers").size() <= 1) {
            return normalizer.path("normalizers").size() == 1 && nfc(normalizer.path("normalizers").get(0));
        }
        throw new IllegalArgumentException("normalizer " + normalizer + " is not supported (only NFC or none)");
    }

    /** A Sequence of Split(one of Qwen's regexes, Isolated) and ByteLevel(use_regex false). */
    private static PreTokenizer preTokenizer(JsonNode pre) {
        JsonNode steps = pre.path("type").asText().equals("Sequence") ? pre.path("pretokenizers") : null;
        if (steps != null && steps.size() == 2) {
            JsonNode split = steps.get(0);
            JsonNode byteLevel = steps.get(1);
            if (split.path("type").asText().equals("Split") && split.path("behavior").asText().equals("Isolated")
                    && !split.path("invert").asBoolean(false)
                    && byteLevel.path("type").asText().equals("ByteLevel")
                    && !byteLevel.path("use_regex").asBoolean(true)
                    && !byteLevel.path("add_prefix_space").asBoolean(false)) {
                String regex = split.path("pattern").path("Regex").asText("");
                return PreTokenizer.forRegex(regex).orElseThrow(() -> new IllegalArgumentException(
                        "pre_tokenizer regex " + regex + " is not supported (supported: "
                                + Arrays.stream(PreTokenizer.values()).map(PreTokenizer::regex).toList() + ")"));
            }
        }
        throw new IllegalArgumentException("pre_tokenizer " + abbreviate(pre.toString())
                + " is not supported (expected Sequence[Split(Qwen regex, Isolated), ByteLevel(use_regex=false)])");
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode node = parent.path(field);
        if (!node.isObject()) {
            throw new IllegalArgumentException("'" + field + "' is missing or not an object");
        }
        return node;
    }

    private static int id(JsonNode node, String where) {
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 0) {
            throw new IllegalArgumentException(where + " is not a token id: " + node);
        }
        return node.asInt();
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
