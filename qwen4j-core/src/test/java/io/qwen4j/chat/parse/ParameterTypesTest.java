package io.qwen4j.chat.parse;

import static io.qwen4j.chat.parse.OutputParserTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.qwen4j.chat.parse.ParameterTypes.Type;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ParameterTypesTest {

    private static String typed(String schema, String parameter, String raw) {
        return Json.compact(ParameterTypes.convert(raw, ParameterTypes.of(json(schema), parameter)));
    }

    @Test
    void typesComeFromTypeUnionsEnumsAndConsts() {
        var schema = json("""
                {"properties": {"a": {"type": "int"}, "b": {"enum": [1, 2]}, "c": {"const": true},
                 "d": {"oneOf": [{"type": "array"}, {"type": "object"}]}, "e": {"type": "whatever"},
                 "f": {"description": "no type"}, "g": {"properties": {}}}}""");
        assertThat(ParameterTypes.of(schema, "a")).containsExactly(Type.INTEGER);
        assertThat(ParameterTypes.of(schema, "b")).containsExactly(Type.INTEGER);
        assertThat(ParameterTypes.of(schema, "c")).containsExactly(Type.BOOLEAN);
        assertThat(ParameterTypes.of(schema, "d")).containsExactlyInAnyOrder(Type.ARRAY, Type.OBJECT);
        assertThat(ParameterTypes.of(schema, "e")).isEqualTo(EnumSet.allOf(Type.class));
        assertThat(ParameterTypes.of(schema, "f")).containsExactly(Type.STRING);
        assertThat(ParameterTypes.of(schema, "g")).containsExactly(Type.OBJECT);
        assertThat(ParameterTypes.of(schema, "missing")).containsExactly(Type.STRING);
        assertThat(ParameterTypes.of(null, "a")).containsExactly(Type.STRING);
    }

    @Test
    void aSchemaWithoutPropertiesIsTakenAsThePropertyMap() {
        assertThat(ParameterTypes.of(json("{\"n\": {\"type\": \"number\"}}"), "n")).containsExactly(Type.NUMBER);
    }

    @Test
    void valuesParseToTheirTypeOrStayText() {
        String schema = """
                {"properties": {"i": {"type": "integer"}, "n": {"type": "number"}, "b": {"type": "boolean"},
                 "s": {"type": "string"}, "o": {"type": "object"}, "any": {"type": "mystery"}}}""";
        assertThat(typed(schema, "i", " 42 ")).isEqualTo("42");
        assertThat(typed(schema, "i", "2.5")).isEqualTo("\"2.5\"");
        assertThat(typed(schema, "n", "1e400")).isEqualTo("1E+400");
        assertThat(typed(schema, "n", "0.10")).isEqualTo("0.10");
        assertThat(typed(schema, "n", "12 apples")).isEqualTo("\"12 apples\"");
        assertThat(typed(schema, "b", "FALSE")).isEqualTo("false");
        assertThat(typed(schema, "b", "yes")).isEqualTo("\"yes\"");
        assertThat(typed(schema, "s", " 7 ")).isEqualTo("\" 7 \"");
        assertThat(typed(schema, "s", "null")).isEqualTo("\"null\"");
        assertThat(typed(schema, "i", "Null")).isEqualTo("null");
        assertThat(typed(schema, "o", "[1]")).isEqualTo("\"[1]\"");
        assertThat(typed(schema, "o", "{\"k\": [1, {}]}")).isEqualTo("{\"k\":[1,{}]}");
        assertThat(typed(schema, "any", "[true]")).isEqualTo("[true]");
        assertThat(typed(schema, "any", "plain")).isEqualTo("\"plain\"");
    }
}
