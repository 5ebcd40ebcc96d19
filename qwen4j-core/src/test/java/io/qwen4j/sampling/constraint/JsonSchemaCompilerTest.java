package io.qwen4j.sampling.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The recogniser on hand-picked texts: JSON syntax, every supported schema keyword, refused keywords. */
class JsonSchemaCompilerTest {
    private static final Grammar OBJECT = JsonSchemaCompiler.anyObject();

    private static boolean accepts(Grammar g, String text) {
        return g.accepts(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean accepts(String schema, String text) {
        return accepts(JsonSchemaCompiler.compile(schema), text);
    }

    /** A valid prefix leaves a live state, so the recogniser rejects at the first wrong byte, not later. */
    private static int rejectedAt(Grammar g, byte[] text) {
        GrammarState s = g.start();
        for (int i = 0; i < text.length; i++) {
            s = s.advance(text[i]);
            if (s == null) return i;
        }
        return s.accepting() ? -1 : text.length;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "{ }", "{\"a\":1}", "{\"a\": [1, 2.5, -0.5e10, 1E+3, 0, -0, 12e-007, true, false, null]}",
        "{\"a\":{\"b\":{\"c\":[[],[{}]]}}}", "{\"k\":\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"}",
        "{\"é😀中\":\"raw unicode é😀中\"}", "{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}", "{\"a\" : 1 , \"b\" :2}",
        "{\"\":\"\"}", "{\"del\":\"\u007f\"}"
    })
    void anyObjectAcceptsJsonObjects(String text) {
        assertThat(accepts(OBJECT, text)).as(text).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "[]", "1", "\"s\"", " {}", "{} ", "{\"a\":}", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":1,}", "{,}",
        "{\"a\":1 \"b\":2}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":+1}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":00}",
        "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"tab\there\"}", "{\"a\":\"nl\nhere\"}",
        "{\"a\":1}}", "{\"a\":[1,]}", "{\"a\":NaN}", "{  \"a\":1}", "{\n                     \"a\":1}",
        "{\"a\":123456789012345678901}", "{\"a\":1e1234}"
    })
    void anyObjectRejectsOthers(String text) {
        assertThat(accepts(OBJECT, text)).as(text).isFalse();
    }

    @Test
    void rejectsMalformedUtf8InStrings() {
        for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}}) {
            var text = new byte[bad.length + 9];
            System.arraycopy("{\"a\":\"".getBytes(StandardCharsets.US_ASCII), 0, text, 0, 6);
            System.arraycopy(bad, 0, text, 6, bad.length);
            System.arraycopy("\"}".getBytes(StandardCharsets.US_ASCII), 0, text, 6 + bad.length, 2);
            assertThat(OBJECT.accepts(java.util.Arrays.copyOf(text, 8 + bad.length))).isFalse();
        }
    }

    @Test
    void rejectsAtTheFirstWrongByte() {
        assertThat(rejectedAt(OBJECT, "{\"a\":[1,]}".getBytes(StandardCharsets.UTF_8))).isEqualTo(8);
        assertThat(rejectedAt(OBJECT, "{\"a\":01}".getBytes(StandardCharsets.UTF_8))).isEqualTo(6);
        assertThat(rejectedAt(OBJECT, "{\"a\":1".getBytes(StandardCharsets.UTF_8))).isEqualTo(6); // live, incomplete
        assertThat(rejectedAt(OBJECT, "{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    @Test
    void aCompleteObjectAllowsNothingMore() {
        GrammarState s = OBJECT.start().advance("{}".getBytes(StandardCharsets.UTF_8));
        assertThat(s.accepting()).isTrue();
        assertThat(s.finished()).isTrue();
        assertThat(s.allowedBytes()).doesNotContain(true);
    }

    @Test
    void scalarTypes() {
        assertThat(accepts("{\"type\":\"integer\"}", "-42")).isTrue();
        assertThat(accepts("{\"type\":\"integer\"}", "4.2")).isFalse();
        assertThat(accepts("{\"type\":\"number\"}", "-0.5e10")).isTrue();
        assertThat(accepts("{\"type\":\"number\"}", "\"1\"")).isFalse();
        assertThat(accepts("{\"type\":\"boolean\"}", "false")).isTrue();
        assertThat(accepts("{\"type\":\"boolean\"}", "null")).isFalse();
        assertThat(accepts("{\"type\":\"null\"}", "null")).isTrue();
        assertThat(accepts("{\"type\":\"string\"}", "\"x\\n\"")).isTrue();
        assertThat(accepts("{\"type\":\"string\"}", "1")).isFalse();
        assertThat(accepts("{\"type\":[\"string\",\"null\"]}", "null")).isTrue();
        assertThat(accepts("{\"type\":[\"string\",\"null\"]}", "1")).isFalse();
        assertThat(accepts("{\"type\":\"integer\",\"nullable\":true}", "null")).isTrue();
        assertThat(accepts("true", "[1,{\"a\":null}]")).isTrue();
        assertThat(accepts("{}", "\"anything\"")).isTrue();
    }

    @Test
    void stringLengthCountsEscapesAndMultiByteCharactersAsOne() {
        String schema = "{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}";
        assertThat(accepts(schema, "\"a\"")).isFalse();
        assertThat(accepts(schema, "\"ab\"")).isTrue();
        assertThat(accepts(schema, "\"a\\nc\"")).isTrue();
        assertThat(accepts(schema, "\"é😀中\"")).isTrue();
        assertThat(accepts(schema, "\"abcd\"")).isFalse();
        assertThat(accepts("{\"maxLength\":0}", "\"\"")).isTrue();
    }

    @Test
    void enumAndConstAreExactValues() {
        String schema = "{\"enum\":[\"red\",\"green\",42,null,{\"a\":[1,2]},\"é\"]}";
        for (String ok : new String[] {"\"red\"", "\"green\"", "42", "null", "{\"a\":[1,2]}", "\"é\""})
            assertThat(accepts(schema, ok)).as(ok).isTrue();
        for (String bad : new String[] {"\"re\"", "\"blue\"", "4", "{\"a\": [1,2]}", "\"gree\""})
            assertThat(accepts(schema, bad)).as(bad).isFalse();
        assertThat(accepts("{\"const\":\"x\\\"y\"}", "\"x\\\"y\"")).isTrue();
        assertThat(accepts("{\"const\":true}", "false")).isFalse();
    }

    @Test
    void aLargeEnumStaysFast() {
        var values = java.util.stream.IntStream.range(0, 2000).mapToObj(i -> "\"v" + i + "\"").toList();
        Grammar g = JsonSchemaCompiler.compile("{\"enum\":[" + String.join(",", values) + "]}");
        long start = System.nanoTime();
        for (int i = 0; i < 2000; i += 97) assertThat(accepts(g, "\"v" + i + "\"")).isTrue();
        assertThat(accepts(g, "\"v2000\"")).isFalse();
        assertThat(accepts(g, "\"v01\"")).isFalse();
        assertThat(System.nanoTime() - start).as("nanoseconds").isLessThan(5_000_000_000L);
    }

    @Test
    void objectsListRequiredPropertiesFirstThenOptionalOnesInDeclaredOrder() {
        String schema = """
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},
                 "required":["b"]}""";
        assertThat(accepts(schema, "{\"b\":\"x\"}")).isTrue();
        assertThat(accepts(schema, "{\"b\":\"x\",\"a\":1}")).isTrue();
        assertThat(accepts(schema, "{\"b\":\"x\",\"c\":true}")).isTrue();
        assertThat(accepts(schema, "{\"b\":\"x\",\"a\":1,\"c\":true}")).isTrue();
        assertThat(accepts(schema, "{ \"b\" : \"x\" , \"a\" : 1 }")).isTrue();
        assertThat(accepts(schema, "{\"b\":\"x\",\"c\":true,\"a\":1}")).isFalse(); // declared order
        assertThat(accepts(schema, "{\"a\":1,\"b\":\"x\"}")).isFalse();           // required first
        assertThat(accepts(schema, "{}")).isFalse();                              // b is required
        assertThat(accepts(schema, "{\"b\":1}")).isFalse();                       // b is a string
        assertThat(accepts(schema, "{\"b\":\"x\",\"d\":1}")).isFalse();           // no extra properties by default
        assertThat(accepts(schema, "{\"b\":\"x\",\"a\":1,}")).isFalse();
    }

    @Test
    void objectsWithOnlyOptionalProperties() {
        String schema = "{\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}}}";
        for (String ok : new String[] {"{}", "{\"a\":1}", "{\"b\":2}", "{\"a\":1,\"b\":2}"})
            assertThat(accepts(schema, ok)).as(ok).isTrue();
        for (String bad : new String[] {"{,\"a\":1}", "{\"b\":2,\"a\":1}", "{\"a\":1,}"})
            assertThat(accepts(schema, bad)).as(bad).isFalse();
    }

    @Test
    void additionalProperties() {
        String open = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"additionalProperties\":true}";
        assertThat(accepts(open, "{\"a\":1,\"x\":[true],\"y\":{}}")).isTrue();
        assertThat(accepts(open, "{\"x\":\"s\"}")).isTrue();
        assertThat(accepts(open, "{}")).isTrue();
        String typed = "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"number\"}}";
        assertThat(accepts(typed, "{\"x\":1,\"y\":2.5}")).isTrue();
        assertThat(accepts(typed, "{\"x\":\"s\"}")).isFalse();
        String closed = "{\"type\":\"object\",\"properties\":{\"a\":{}},\"additionalProperties\":false}";
        assertThat(accepts(closed, "{\"a\":[]}")).isTrue();
        assertThat(accepts(closed, "{\"b\":1}")).isFalse();
        // without properties, and extra properties not restricted: any object (llama.cpp)
        assertThat(accepts("{\"type\":\"object\"}", "{\"x\":[1],\"y\":{\"z\":null}}")).isTrue();
        assertThat(accepts("{\"type\":\"object\",\"additionalProperties\":true}", "{\"x\":1}")).isTrue();
        assertThat(accepts("{\"type\":\"object\",\"additionalProperties\":false}", "{\"x\":1}")).isFalse();
        assertThat(accepts("{\"type\":\"object\",\"additionalProperties\":false}", "{}")).isTrue();
        assertThat(accepts("{\"type\":\"object\"}", "[]")).isFalse();
        // required but not declared: any value
        assertThat(accepts("{\"type\":\"object\",\"required\":[\"z\"]}", "{\"z\":[1]}")).isTrue();
        assertThat(accepts("{\"type\":\"object\",\"required\":[\"z\"]}", "{}")).isFalse();
    }

    @Test
    void arraysWithItemCounts() {
        String schema = "{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"minItems\":1,\"maxItems\":3}";
        assertThat(accepts(schema, "[]")).isFalse();
        assertThat(accepts(schema, "[1]")).isTrue();
        assertThat(accepts(schema, "[1, 2,3]")).isTrue();
        assertThat(accepts(schema, "[1,2,3,4]")).isFalse();
        assertThat(accepts(schema, "[1,\"a\"]")).isFalse();
        assertThat(accepts("{\"type\":\"array\",\"maxItems\":0}", "[]")).isTrue();
        assertThat(accepts("{\"type\":\"array\",\"maxItems\":0}", "[1]")).isFalse();
        assertThat(accepts("{\"type\":\"array\",\"minItems\":2}", "[1,\"x\",{}]")).isTrue();
        assertThat(accepts("{\"type\":\"array\",\"minItems\":2}", "[1]")).isFalse();
    }

    @Test
    void unionsOfSchemas() {
        String schema = "{\"anyOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},\"required\":[\"a\"]},"
                + "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"null\"}},\"required\":[\"a\",\"b\"]}]}";
        assertThat(accepts(schema, "{\"a\":1}")).isTrue();
        assertThat(accepts(schema, "{\"a\":\"s\",\"b\":null}")).isTrue();
        assertThat(accepts(schema, "{\"a\":\"s\"}")).isFalse();
        assertThat(accepts(schema, "{\"a\":1,\"b\":null}")).isFalse();
        assertThat(accepts("{\"oneOf\":[{\"type\":\"boolean\"},{\"const\":7}]}", "7")).isTrue();
    }

    @Test
    void localReferencesIncludingRecursiveOnes() {
        String tree = """
                {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},
                  "kids":{"type":"array","items":{"$ref":"#/$defs/node"}}},"required":["v"]}},
                 "$ref":"#/$defs/node"}""";
        assertThat(accepts(tree, "{\"v\":1,\"kids\":[{\"v\":2},{\"v\":3,\"kids\":[{\"v\":4,\"kids\":[]}]}]}")).isTrue();
        assertThat(accepts(tree, "{\"v\":1,\"kids\":[{\"w\":2}]}")).isFalse();
        String definitions = "{\"definitions\":{\"n\":{\"type\":\"integer\"}},\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/n\"}}";
        assertThat(accepts(definitions, "[1,2]")).isTrue();
        assertThat(accepts(definitions, "[1.5]")).isFalse();
        String self = "{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}";
        assertThat(accepts(self, "[[],[[]]]")).isTrue();
        assertThat(accepts(self, "[1]")).isFalse();
    }

    @Test
    void allOfMergesObjectSchemas() {
        String schema = """
                {"$defs":{"named":{"properties":{"name":{"type":"string"}},"required":["name"]}},
                 "allOf":[{"$ref":"#/$defs/named"},{"properties":{"age":{"type":"integer"}},"required":["age"]}]}""";
        assertThat(accepts(schema, "{\"name\":\"x\",\"age\":3}")).isTrue();
        assertThat(accepts(schema, "{\"name\":\"x\"}")).isFalse();
    }

    @Test
    void ignoredKeywordsChangeNothing() {
        String schema = "{\"type\":\"string\",\"format\":\"date\",\"pattern\":\"^a$\",\"title\":\"t\",\"description\":\"d\"}";
        assertThat(accepts(schema, "\"not a date\"")).isTrue();
        assertThat(accepts("{\"type\":\"integer\",\"minimum\":5}", "1")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not", "if", "patternProperties", "contains", "prefixItems", "dependentRequired", "propertyNames"})
    void unsupportedKeywordsAreRefusedByName(String keyword) {
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"type\":\"object\",\"properties\":{\"a\":{\"" + keyword + "\":{}}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + keyword + "'")
                .hasMessageContaining("#/properties/a");
    }

    @Test
    void badSchemasAreRefusedWithWhatAndWhere() {
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"type\":")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("false")).hasMessageContaining("false");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"type\":\"text\"}")).hasMessageContaining("'text'");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"$ref\":\"http://x/s.json\"}")).hasMessageContaining("not local");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"$ref\":\"#/$defs/none\"}")).hasMessageContaining("points to nothing");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}")).hasMessageContaining("minItems");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"type\":\"string\",\"maxLength\":-1}")).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"type\":\"string\",\"maxLength\":1000000}")).hasMessageContaining("at most");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("{\"enum\":[]}")).hasMessageContaining("enum");
        assertThatThrownBy(() -> JsonSchemaCompiler.compile("[1]")).hasMessageContaining("#");
    }
}
