package io.qwen4j.chat.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Types the raw text of an XML-format parameter ({@code <parameter=p>\nvalue\n</parameter>}) by the tool's JSON
 * schema, as vLLM's {@code Qwen3CoderToolParser._convert_param_value} and llama.cpp's Qwen3-Coder grammar do: a
 * string parameter keeps its text; anything else is parsed as the JSON of one of its allowed types, and stays a string
 * when it is none of them.
 */
final class ParameterTypes {
    private ParameterTypes() {}

    enum Type { STRING, INTEGER, NUMBER, BOOLEAN, OBJECT, ARRAY, NULL }

    private static final Set<Type> ANY = EnumSet.allOf(Type.class);

    /** The types allowed for {@code parameter} of a function whose {@code parameters} schema is given (may be null). */
    static Set<Type> of(JsonNode parametersSchema, String parameter) {
        if (parametersSchema == null || !parametersSchema.isObject()) return EnumSet.of(Type.STRING);
        // vLLM reads "properties" and, failing that, takes the schema itself as the property map.
        JsonNode properties = parametersSchema.has("properties") ? parametersSchema.get("properties") : parametersSchema;
        JsonNode schema = properties.get(parameter);
        // Unknown parameter or no type information: the text as a string (vLLM).
        if (schema == null || !schema.isObject()) return EnumSet.of(Type.STRING);
        Set<Type> types = typesOf(schema);
        return types.isEmpty() ? EnumSet.of(Type.STRING) : types;
    }

    private static Set<Type> typesOf(JsonNode schema) {
        var types = EnumSet.noneOf(Type.class);
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) types.addAll(alias(type.asText()));
        if (type != null && type.isArray()) type.forEach(t -> types.addAll(alias(t.asText())));
        for (String union : new String[] {"anyOf", "oneOf"}) {
            JsonNode members = schema.get(union);
            if (members != null && members.isArray()) members.forEach(m -> { if (m.isObject()) types.addAll(typesOf(m)); });
        }
        JsonNode values = schema.get("enum");
        if (values != null && values.isArray()) values.forEach(v -> types.add(typeOfValue(v)));
        if (schema.has("const")) types.add(typeOfValue(schema.get("const")));
        if (types.isEmpty() && schema.has("properties")) types.add(Type.OBJECT);
        if (types.isEmpty() && schema.has("items")) types.add(Type.ARRAY);
        return types;
    }

    /** JSON-schema type names and the loose ones vLLM also accepts ({@code int}, {@code float}, {@code dict}...). */
    private static Set<Type> alias(String name) {
        String t = name.strip().toLowerCase(Locale.ROOT);
        if (Set.of("string", "str", "text", "varchar", "char", "enum").contains(t)) return EnumSet.of(Type.STRING);
        if (t.startsWith("int") || t.startsWith("uint") || t.startsWith("long") || t.startsWith("short")
                || t.startsWith("unsigned")) return EnumSet.of(Type.INTEGER);
        if (t.startsWith("num") || t.startsWith("float") || t.startsWith("double")) return EnumSet.of(Type.NUMBER);
        if (Set.of("boolean", "bool", "binary").contains(t)) return EnumSet.of(Type.BOOLEAN);
        if (t.startsWith("object") || t.startsWith("dict")) return EnumSet.of(Type.OBJECT);
        if (t.startsWith("array") || t.equals("arr") || t.startsWith("list")) return EnumSet.of(Type.ARRAY);
        if (t.equals("null") || t.equals("none")) return EnumSet.of(Type.NULL);
        return ANY; // a type we do not know: whatever the text parses as
    }

    private static Type typeOfValue(JsonNode v) {
        if (v.isTextual()) return Type.STRING;
        if (v.isIntegralNumber()) return Type.INTEGER;
        if (v.isNumber()) return Type.NUMBER;
        if (v.isBoolean()) return Type.BOOLEAN;
        if (v.isArray()) return Type.ARRAY;
        if (v.isObject()) return Type.OBJECT;
        return Type.NULL;
    }

    static boolean onlyString(Set<Type> types) {
        return types.equals(EnumSet.of(Type.STRING));
    }

    /** The value of a parameter whose text (newlines around it already removed) is {@code raw}. */
    static JsonNode convert(String raw, Set<Type> types) {
        if (onlyString(types)) return TextNode.valueOf(raw);
        String text = raw.strip();
        // vLLM turns "null" into None whatever the declared type; we keep that except for pure strings.
        if (text.equalsIgnoreCase("null")) return NullNode.getInstance();
        if (types.contains(Type.BOOLEAN) && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
            return BooleanNode.valueOf(text.equalsIgnoreCase("true"));
        }
        JsonNode parsed = Json.parseExactly(text);
        if (parsed != null) {
            boolean fits = switch (parsed.getNodeType()) {
                case NUMBER -> types.contains(Type.NUMBER) || (types.contains(Type.INTEGER) && parsed.isIntegralNumber());
                case OBJECT -> types.contains(Type.OBJECT);
                case ARRAY -> types.contains(Type.ARRAY);
                case BOOLEAN -> types.contains(Type.BOOLEAN);
                default -> false;
            };
            if (fits) return parsed;
        }
        // Not valid for any declared type: the text itself, as vLLM and llama.cpp fall back to.
        return TextNode.valueOf(raw);
    }
}
