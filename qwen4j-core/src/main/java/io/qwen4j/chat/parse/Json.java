package io.qwen4j.chat.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON used for tool-call arguments: one mapper, numbers kept exact (a model's {@code 1e400} or {@code 0.1} must
 * come back as written, not as a double), output compact.
 */
final class Json {
    private Json() {}

    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final ObjectMapper STRICT = LENIENT.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The one JSON value that is the whole text (surrounding whitespace allowed), or null if it is not one. */
    static JsonNode parseExactly(String text) {
        return parse(STRICT, text);
    }

    /** The first JSON value in the text, ignoring what follows it (a model's stray closing brace), or null. */
    static JsonNode parseFirst(String text) {
        return parse(LENIENT, text);
    }

    private static JsonNode parse(ObjectMapper mapper, String text) {
        try {
            JsonNode node = mapper.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static String compact(JsonNode node) {
        try {
            return LENIENT.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written: " + e.getMessage(), e);
        }
    }

    /** {@code s} as a quoted JSON string. */
    static String quote(String s) {
        return '"' + escape(s) + '"';
    }

    /** The inside of a JSON string literal for {@code s}; escaping works character by character, so pieces concatenate. */
    static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
