package io.qwen4j.sampling.constraint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Both directions of the recogniser against Jackson and an independent validator: every text a random walk
 * through the grammar can end with parses and is valid against the schema; every JSON object Jackson writes
 * (compact or indented) is accepted byte by byte.
 */
class JsonGrammarPropertiesTest {
    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * A random sentence of the grammar: at each step one of the allowed bytes, structural ones favoured so that
     * strings and containers close; stops at a complete sentence with probability 1/2 (always when nothing can
     * follow). Null when it has not ended after {@code maxBytes}.
     */
    static byte[] randomSentence(Grammar grammar, Random random, int maxBytes) {
        var out = new ByteArrayOutputStream();
        GrammarState s = grammar.start();
        double[] weights = new double[256];
        while (out.size() < maxBytes) {
            if (s.finished() || s.accepting() && random.nextBoolean()) return out.toByteArray();
            boolean[] allowed = s.allowedBytes();
            double total = 0;
            for (int b = 0; b < 256; b++) total += weights[b] = allowed[b] ? weight(b) : 0;
            double u = random.nextDouble() * total;
            int chosen = -1;
            for (int b = 0; b < 256 && chosen < 0; b++) if (allowed[b] && (u -= weights[b]) < 0) chosen = b;
            if (chosen < 0) for (int b = 255; b >= 0 && chosen < 0; b--) if (allowed[b]) chosen = b;
            assertThat(chosen).as("a live state allows some byte after %s", out).isNotNegative();
            s = s.advance((byte) chosen);
            assertThat(s).isNotNull();
            out.write(chosen);
        }
        return null;
    }

    private static double weight(int b) {
        if (b == '"' || b == '}' || b == ']') return 30;
        if (b == ',' || b == ':' || b == '\\') return 4;
        if (b == '{' || b == '[') return 1;
        if (b == ' ' || b == '\n' || b == '\t') return 0.5;
        if (b >= 0x80) return 0.1; // multi-byte characters: their continuation bytes are the only ones allowed
        return 1;
    }

    // ---- schemas and documents, drawn from a seed (jqwik's recursive combinators are slow to generate these) ----

    private static final List<String> NAMES = List.of("alpha", "beta", "gamma");

    /** A random schema of the supported subset, containers at most {@code depth} deep. */
    static JsonNode randomSchema(Random r, int depth) {
        int kind = depth == 0 ? r.nextInt(5) : r.nextInt(9);
        switch (kind) {
            case 0 -> {
                return NODES.objectNode().put("type", List.of("string", "integer", "number", "boolean", "null").get(r.nextInt(5)));
            }
            case 1 -> {
                int min = r.nextInt(4);
                return NODES.objectNode().put("type", "string").put("minLength", min).put("maxLength", min + r.nextInt(7));
            }
            case 2 -> {
                ObjectNode s = NODES.objectNode();
                ArrayNode values = s.putArray("enum");
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) values.add(randomValue(r, 1));
                return s;
            }
            case 3 -> {
                return NODES.objectNode().set("const", randomValue(r, 1));
            }
            case 4 -> {
                ObjectNode s = NODES.objectNode();
                s.putArray("type").add("integer").add("null");
                return s;
            }
            case 5, 6 -> {
                ObjectNode s = NODES.objectNode().put("type", "object");
                ObjectNode properties = s.putObject("properties");
                ArrayNode required = s.putArray("required");
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    properties.set(NAMES.get(i), randomSchema(r, depth - 1));
                    if (r.nextBoolean()) required.add(NAMES.get(i));
                }
                switch (r.nextInt(4)) {
                    case 0 -> s.put("additionalProperties", false);
                    case 1 -> s.put("additionalProperties", true);
                    case 2 -> s.set("additionalProperties", randomSchema(r, depth - 1));
                    default -> {}
                }
                return s;
            }
            case 7 -> {
                ObjectNode s = NODES.objectNode().put("type", "array");
                s.set("items", randomSchema(r, depth - 1));
                int min = r.nextInt(3);
                s.put("minItems", min);
                if (r.nextBoolean()) s.put("maxItems", min + r.nextInt(4));
                return s;
            }
            default -> {
                ObjectNode s = NODES.objectNode();
                ArrayNode options = s.putArray("anyOf");
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) options.add(randomSchema(r, depth - 1));
                return s;
            }
        }
    }

    private static final String CHARS = " azAZ09\"\\/\n\t\u0001é中\u2028😀{}[],:";

    /** A random JSON value, containers at most {@code depth} deep, strings that need escapes and non-ASCII text. */
    static JsonNode randomValue(Random r, int depth) {
        return switch (depth == 0 ? r.nextInt(6) : r.nextInt(8)) {
            case 0, 1 -> NODES.textNode(randomString(r));
            case 2 -> NODES.numberNode(r.nextBoolean() ? r.nextLong() : r.nextInt(100) - 50);
            case 3 -> NODES.numberNode(r.nextBoolean() ? r.nextGaussian() * Math.pow(10, r.nextInt(600) - 300) : r.nextDouble());
            case 4 -> NODES.booleanNode(r.nextBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = 0, n = r.nextInt(4); i < n; i++) a.add(randomValue(r, depth - 1));
                yield a;
            }
            default -> randomObject(r, depth - 1);
        };
    }

    static ObjectNode randomObject(Random r, int depth) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0, n = r.nextInt(4); i < n; i++) o.set(randomString(r), randomValue(r, depth));
        return o;
    }

    private static String randomString(Random r) {
        var sb = new StringBuilder();
        int[] cps = CHARS.codePoints().toArray();
        for (int i = 0, n = r.nextInt(8); i < n; i++) sb.appendCodePoint(cps[r.nextInt(cps.length)]);
        return sb.toString();
    }

    // ---- properties ----

    @Property(tries = 300)
    void everySentenceOfASchemaParsesAndIsValid(@ForAll long seed) throws JsonProcessingException {
        var random = new Random(seed);
        JsonNode schema = randomSchema(random, 3);
        Grammar grammar = JsonSchemaCompiler.compile(schema);
        byte[] text = randomSentence(grammar, random, 4000);
        Assume.that(text != null);
        String json = new String(text, StandardCharsets.UTF_8);
        JsonNode parsed = STRICT.readTree(json);
        assertThat(SchemaValidator.valid(parsed, schema)).as("%s against %s", json, schema).isTrue();
    }

    @Property(tries = 300)
    void everySentenceOfTheObjectGrammarIsAnObject(@ForAll long seed) throws JsonProcessingException {
        byte[] text = randomSentence(JsonSchemaCompiler.anyObject(), new Random(seed), 4000);
        Assume.that(text != null);
        assertThat(STRICT.readTree(new String(text, StandardCharsets.UTF_8)).isObject()).isTrue();
    }

    @Property(tries = 300)
    void everyJsonObjectIsAccepted(@ForAll long seed, @ForAll boolean indented) throws JsonProcessingException {
        JsonNode document = randomObject(new Random(seed), 4);
        String text = indented ? STRICT.writerWithDefaultPrettyPrinter().writeValueAsString(document) : STRICT.writeValueAsString(document);
        assertThat(JsonSchemaCompiler.anyObject().accepts(text.getBytes(StandardCharsets.UTF_8))).as(text).isTrue();
    }

    @Property(tries = 200)
    void aValueOfItsSchemaIsAccepted(@ForAll long seed) throws JsonProcessingException {
        // a sentence re-written by Jackson (canonical spacing, its own escapes) is still in the language
        var random = new Random(seed);
        JsonNode schema = randomSchema(random, 3);
        byte[] text = randomSentence(JsonSchemaCompiler.compile(schema), random, 4000);
        Assume.that(text != null);
        JsonNode parsed = STRICT.readTree(new String(text, StandardCharsets.UTF_8));
        String rewritten = STRICT.writeValueAsString(parsed);
        Assume.that(!rewritten.contains("Infinity")); // 1e999 is JSON, but not a finite double
        assertThat(JsonSchemaCompiler.compile(schema).accepts(rewritten.getBytes(StandardCharsets.UTF_8)))
                .as("%s (from %s) against %s", rewritten, new String(text, StandardCharsets.UTF_8), schema).isTrue();
    }
}
