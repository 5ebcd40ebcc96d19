package io.qwen4j.sampling.constraint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwen4j.sampling.constraint.Grammar.ByteSet;
import io.qwen4j.sampling.constraint.Grammar.Seq;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a JSON schema (the subset chat clients send as {@code response_format}) into a byte {@link Grammar}
 * whose sentences are JSON texts valid against it, after llama.cpp's common/json-schema-to-grammar.cpp:
 * <ul>
 *   <li>objects list their required properties first, then the optional ones, each group in declared order
 *       ({@code _build_object_rule}); extra properties only when {@code additionalProperties} is {@code true} or a
 *       schema (absent counts as {@code false}, as in llama.cpp);</li>
 *   <li>numbers have at most 20 integral and 20 fraction digits and 3 exponent digits, whitespace between tokens
 *       is at most a space, or a newline and 20 spaces or tabs ({@code SPACE_RULE}), so a sentence can always
 *       end;</li>
 *   <li>enum and const values are written in compact canonical form (no whitespace inside).</li>
 * </ul>
 * Keywords that only describe or that we cannot enforce ({@code format}, {@code pattern}, {@code minimum} and the
 * like, {@code uniqueItems}) are ignored; those that change the admitted set beyond our reach ({@code not},
 * {@code if}, {@code patternProperties} ...) are rejected with an {@link IllegalArgumentException} naming them.
 * See docs/decisions/0006-structured-output.md.
 */
public final class JsonSchemaCompiler {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Keywords whose meaning we cannot honour: better refuse than emit output that does not match. */
    private static final Set<String> UNSUPPORTED = Set.of("not", "if", "then", "else", "patternProperties",
            "dependentSchemas", "dependentRequired", "dependencies", "contains", "propertyNames",
            "unevaluatedProperties", "unevaluatedItems", "prefixItems", "$dynamicRef", "$recursiveRef");
    /** Largest repetition count we expand (maxLength, maxItems, minItems ...). */
    static final int MAX_REPEAT = 10_000;

    private final Grammar.Builder b = new Grammar.Builder();
    private final JsonNode root;
    private final Map<String, Integer> refs = new HashMap<>();
    private final int ws, sep, colon, chr, string, integer, number, value, anyObject;

    private JsonSchemaCompiler(JsonNode root) {
        this.root = root;
        // SPACE_RULE: nothing, one space, or a newline and up to 20 spaces/tabs of indentation
        ws = b.rule(b.seq(), b.seq().lit(" "), b.seq().lit("\n").ref(repeat(b.rule(b.seq().bytes(new ByteSet().add(" \t"))), 0, 20, -1)));
        sep = b.rule(b.seq().ref(ws).lit(",").ref(ws));
        colon = b.rule(b.seq().ref(ws).lit(":").ref(ws));
        chr = characterRule();
        string = b.rule(b.seq().lit("\"").ref(repeat(chr, 0, -1, -1)).lit("\""));
        int digit = b.rule(b.seq().range('0', '9'));
        // integral part: 0, or a non-zero digit and at most 19 more (llama.cpp: [0] | [1-9] [0-9]{0,15})
        int integral = b.rule(b.seq().lit("0"), b.seq().range('1', '9').ref(repeat(digit, 0, 19, -1)));
        integer = b.rule(b.seq().ref(integral), b.seq().lit("-").ref(integral));
        int fraction = b.rule(b.seq(), b.seq().lit(".").ref(repeat(digit, 1, 20, -1)));
        int exponent = b.rule(b.seq(), b.seq().bytes(new ByteSet().add("eE")).ref(b.rule(b.seq(), b.seq().bytes(new ByteSet().add("+-"))))
                .ref(repeat(digit, 1, 3, -1)));
        number = b.rule(b.seq().ref(integer).ref(fraction).ref(exponent));
        value = b.rule();
        anyObject = objectOf(b.rule(b.seq().ref(string).ref(colon).ref(value)));
        int anyArray = arrayOf(value, 0, -1);
        for (int r : new int[] {anyObject, anyArray, string, number}) b.alt(value, b.seq().ref(r));
        for (String literal : new String[] {"true", "false", "null"}) b.alt(value, b.seq().lit(literal));
    }

    /** Any JSON object (OpenAI {@code json_object}, Ollama {@code format: "json"}): llama.cpp grammars/json.gbnf. */
    public static Grammar anyObject() {
        var c = new JsonSchemaCompiler(MAPPER.createObjectNode());
        return c.b.build(c.anyObject);
    }

    /** The grammar of JSON texts valid against {@code schemaJson}. */
    public static Grammar compile(String schemaJson) {
        JsonNode schema;
        try {
            schema = MAPPER.readTree(schemaJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (schema == null || schema.isMissingNode())
            throw new IllegalArgumentException("JSON schema is empty");
        return compile(schema);
    }

    public static Grammar compile(JsonNode schema) {
        var c = new JsonSchemaCompiler(schema);
        return c.b.build(c.schema(schema, "#"));
    }

    // ---- schemas ----

    private int schema(JsonNode s, String path) {
        if (s.isBoolean()) {
            if (s.booleanValue()) return value;
            throw new IllegalArgumentException("JSON schema at " + path + " is false: no value can match it");
        }
        if (!s.isObject()) throw new IllegalArgumentException("JSON schema at " + path + " must be an object or a boolean, got " + s.getNodeType());
        for (var it = s.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (UNSUPPORTED.contains(keyword))
                throw new IllegalArgumentException("JSON schema keyword '" + keyword + "' at " + path + " is not supported");
        }
        if (s.has("$ref")) return ref(s.get("$ref").asText(), path);
        if (s.has("const")) return literal(s.get("const"));
        if (s.has("enum")) {
            JsonNode values = s.get("enum");
            if (!values.isArray() || values.isEmpty())
                throw new IllegalArgumentException("JSON schema 'enum' at " + path + " must be a non-empty array");
            int r = b.rule();
            for (JsonNode v : values) b.alt(r, b.seq().ref(literal(v)));
            return r;
        }
        for (String union : new String[] {"anyOf", "oneOf"}) { // oneOf is treated as anyOf, as llama.cpp does
            if (!s.has(union)) continue;
            JsonNode options = s.get(union);
            if (!options.isArray() || options.isEmpty())
                throw new IllegalArgumentException("JSON schema '" + union + "' at " + path + " must be a non-empty array");
            int r = b.rule();
            for (int i = 0; i < options.size(); i++) b.alt(r, b.seq().ref(schema(options.get(i), path + "/" + union + "/" + i)));
            return r;
        }
        if (s.has("allOf")) return schema(mergeAllOf(s, path), path);

        var types = new LinkedHashSet<String>();
        JsonNode type = s.get("type");
        if (type == null) {
            if (s.has("properties") || s.has("required") || s.has("additionalProperties")) types.add("object");
            else if (s.has("items") || s.has("minItems") || s.has("maxItems")) types.add("array");
            else if (s.has("minLength") || s.has("maxLength")) types.add("string");
            else return value;
        } else if (type.isTextual()) {
            types.add(type.asText());
        } else if (type.isArray() && !type.isEmpty()) {
            type.forEach(t -> types.add(t.asText()));
        } else {
            throw new IllegalArgumentException("JSON schema 'type' at " + path + " must be a string or a non-empty array of strings");
        }
        if (s.path("nullable").asBoolean()) types.add("null"); // OpenAPI 3.0
        int r = b.rule();
        for (String t : types) {
            int alternative = switch (t) {
                case "object" -> object(s, path);
                case "array" -> array(s, path);
                case "string" -> string(s, path);
                case "number" -> number;
                case "integer" -> integer;
                case "boolean" -> b.rule(b.seq().lit("true"), b.seq().lit("false"));
                case "null" -> b.rule(b.seq().lit("null"));
                default -> throw new IllegalArgumentException("JSON schema type '" + t + "' at " + path + " is not a JSON type");
            };
            b.alt(r, b.seq().ref(alternative));
        }
        return r;
    }

    /** A local reference ("#", "#/$defs/name", "#/definitions/name", any JSON pointer into the root). */
    private int ref(String ref, String path) {
        Integer known = refs.get(ref);
        if (known != null) return known;
        if (!ref.startsWith("#"))
            throw new IllegalArgumentException("JSON schema $ref '" + ref + "' at " + path + " is not local; only '#...' references are supported");
        JsonNode target = root.at(ref.substring(1));
        if (target.isMissingNode())
            throw new IllegalArgumentException("JSON schema $ref '" + ref + "' at " + path + " points to nothing");
        int r = b.rule(); // registered before compiling the target, so that recursive references end here
        refs.put(ref, r);
        b.alt(r, b.seq().ref(schema(target, ref)));
        return r;
    }

    /** allOf of object schemas: their properties and required lists merged (llama.cpp does the same). */
    private JsonNode mergeAllOf(JsonNode s, String path) {
        ObjectNode merged = ((ObjectNode) s).deepCopy();
        merged.remove("allOf");
        ObjectNode properties = merged.has("properties") ? (ObjectNode) merged.get("properties") : MAPPER.createObjectNode();
        var required = new LinkedHashSet<String>();
        merged.path("required").forEach(n -> required.add(n.asText()));
        JsonNode parts = s.get("allOf");
        if (!parts.isArray()) throw new IllegalArgumentException("JSON schema 'allOf' at " + path + " must be an array");
        for (JsonNode part : parts) {
            while (part.has("$ref")) {
                JsonNode target = part.get("$ref").asText().startsWith("#") ? root.at(part.get("$ref").asText().substring(1)) : null;
                if (target == null || target.isMissingNode())
                    throw new IllegalArgumentException("JSON schema $ref '" + part.get("$ref").asText() + "' in allOf at " + path + " cannot be resolved");
                part = target;
            }
            if (!part.isObject()) throw new IllegalArgumentException("JSON schema 'allOf' at " + path + " must list object schemas");
            for (var it = part.fields(); it.hasNext(); ) {
                var e = it.next();
                switch (e.getKey()) {
                    case "properties" -> e.getValue().fields().forEachRemaining(p -> properties.set(p.getKey(), p.getValue()));
                    case "required" -> e.getValue().forEach(n -> required.add(n.asText()));
                    default -> { if (!merged.has(e.getKey())) merged.set(e.getKey(), e.getValue()); }
                }
            }
        }
        if (!properties.isEmpty()) merged.set("properties", properties);
        if (!required.isEmpty()) {
            var array = merged.putArray("required");
            required.forEach(array::add);
        }
        return merged;
    }

    private int object(JsonNode s, String path) {
        JsonNode additional = s.get("additionalProperties");
        // llama.cpp: without properties (or required names), and with extra properties not restricted, any object
        if (!s.has("properties") && !s.has("required") && (additional == null || additional.isBoolean() && additional.booleanValue()))
            return anyObject;
        var properties = new LinkedHashMap<String, JsonNode>();
        s.path("properties").fields().forEachRemaining(e -> properties.put(e.getKey(), e.getValue()));
        var required = new LinkedHashSet<String>();
        s.path("required").forEach(n -> required.add(n.asText()));
        for (String name : required) properties.putIfAbsent(name, MAPPER.getNodeFactory().booleanNode(true));
        int additionalValue = additional == null || additional.isBoolean() && !additional.booleanValue() ? -1
                : schema(additional, path + "/additionalProperties");

        // _build_object_rule: required properties first, then the optional ones, each in declared order
        var ordered = new ArrayList<String>();
        properties.keySet().stream().filter(required::contains).forEach(ordered::add);
        properties.keySet().stream().filter(p -> !required.contains(p)).forEach(ordered::add);
        var members = new ArrayList<Integer>();
        for (String name : ordered)
            members.add(b.rule(b.seq().ref(literal(MAPPER.getNodeFactory().textNode(name))).ref(colon)
                    .ref(schema(properties.get(name), path + "/properties/" + name))));
        int extra = additionalValue < 0 ? -1 : b.rule(b.seq().ref(string).ref(colon).ref(additionalValue));
        int requiredCount = (int) ordered.stream().filter(required::contains).count();
        int optionalCount = ordered.size() - requiredCount;

        // choice(i): the next member present is optional member i or a later one, or an extra one (-1: none can be);
        // tail(i): nothing more, or a separator and choice(i). One separator in front of all choices keeps the
        // recogniser's stacks few.
        var choice = new int[optionalCount + 1];
        var tail = new int[optionalCount + 1];
        choice[optionalCount] = extra < 0 ? -1 : b.rule(b.seq().ref(extra).ref(repeatAfterSep(extra)));
        for (int i = optionalCount; i >= 0; i--) {
            if (i < optionalCount) {
                choice[i] = b.rule(b.seq().ref(members.get(requiredCount + i)).ref(tail[i + 1]));
                if (choice[i + 1] >= 0) b.alt(choice[i], b.seq().ref(choice[i + 1]));
            }
            tail[i] = choice[i] < 0 ? b.rule(b.seq()) : b.rule(b.seq(), b.seq().ref(sep).ref(choice[i]));
        }
        if (requiredCount > 0) {
            var body = b.seq().lit("{").ref(ws);
            for (int i = 0; i < requiredCount; i++) {
                if (i > 0) body.ref(sep);
                body.ref(members.get(i));
            }
            return b.rule(body.ref(tail[0]).ref(ws).lit("}"));
        }
        int obj = b.rule(b.seq().lit("{").ref(ws).lit("}"));
        if (choice[0] >= 0) b.alt(obj, b.seq().lit("{").ref(ws).ref(choice[0]).ref(ws).lit("}"));
        return obj;
    }

    /** Zero or more of {@code item}, each after a separator. */
    private int repeatAfterSep(int item) {
        int r = b.rule();
        b.alt(r, b.seq());
        b.alt(r, b.seq().ref(sep).ref(item).ref(r));
        return r;
    }

    /** "{" members "}" with members any number of {@code member} separated by commas. */
    private int objectOf(int member) {
        return b.rule(b.seq().lit("{").ref(ws).lit("}"),
                b.seq().lit("{").ref(ws).ref(repeat(member, 1, -1, sep)).ref(ws).lit("}"));
    }

    private int array(JsonNode s, String path) {
        int items = s.has("items") ? schema(s.get("items"), path + "/items") : value;
        int min = count(s, "minItems", 0, path);
        int max = count(s, "maxItems", -1, path);
        if (max >= 0 && min > max)
            throw new IllegalArgumentException("JSON schema at " + path + " has minItems " + min + " > maxItems " + max);
        return arrayOf(items, min, max);
    }

    private int arrayOf(int item, int min, int max) {
        int r = b.rule();
        if (min == 0) b.alt(r, b.seq().lit("[").ref(ws).lit("]"));
        if (max != 0) b.alt(r, b.seq().lit("[").ref(ws).ref(repeat(item, Math.max(min, 1), max, sep)).ref(ws).lit("]"));
        return r;
    }

    private int string(JsonNode s, String path) {
        int min = count(s, "minLength", 0, path);
        int max = count(s, "maxLength", -1, path);
        if (max >= 0 && min > max)
            throw new IllegalArgumentException("JSON schema at " + path + " has minLength " + min + " > maxLength " + max);
        if (min == 0 && max < 0) return string;
        return b.rule(b.seq().lit("\"").ref(repeat(chr, min, max, -1)).lit("\""));
    }

    private static int count(JsonNode s, String keyword, int absent, String path) {
        JsonNode n = s.get(keyword);
        if (n == null) return absent;
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 0)
            throw new IllegalArgumentException("JSON schema '" + keyword + "' at " + path + " must be a non-negative integer, got " + n);
        if (n.intValue() > MAX_REPEAT)
            throw new IllegalArgumentException("JSON schema '" + keyword + "' at " + path + " is " + n + "; at most " + MAX_REPEAT + " is supported");
        return n.intValue();
    }

    /** A value written exactly as its compact JSON text. */
    private int literal(JsonNode v) {
        try {
            return b.rule(b.seq().lit(MAPPER.writeValueAsString(v)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON value " + v, e);
        }
    }

    // ---- building blocks ----

    /**
     * Between {@code min} and {@code max} ({@code -1}: no limit) of {@code item}, with {@code separator} (a rule,
     * or {@code -1} for none) between two of them.
     */
    private int repeat(int item, int min, int max, int sepRule) {
        // tail(k): up to k more items, each after a separator
        int tail;
        if (max < 0) {
            tail = b.rule();
            b.alt(tail, b.seq());
            b.alt(tail, separated(sepRule).ref(item).ref(tail));
        } else {
            tail = b.rule(b.seq());
            for (int k = 1; k <= max - Math.max(min, 1); k++) tail = b.rule(b.seq(), separated(sepRule).ref(item).ref(tail));
        }
        if (max == 0) return b.rule(b.seq());
        var first = b.seq().ref(item);
        for (int i = 1; i < min; i++) first = separatedAfter(first, sepRule).ref(item);
        int r = b.rule(first.ref(tail));
        return min == 0 ? b.rule(b.seq(), b.seq().ref(r)) : r;
    }

    private Seq separated(int sepRule) {
        return sepRule < 0 ? b.seq() : b.seq().ref(sepRule);
    }

    private static Seq separatedAfter(Seq s, int sepRule) {
        return sepRule < 0 ? s : s.ref(sepRule);
    }

    /**
     * One JSON string character: printable ASCII but '"' and '\', an escape, or a well-formed UTF-8 sequence
     * (Unicode 3.2 table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
     */
    private int characterRule() {
        int hex = b.rule(b.seq().bytes(new ByteSet().add('0', '9').add('a', 'f').add('A', 'F')));
        int cont = b.rule(b.seq().range(0x80, 0xBF));
        return b.rule(
                b.seq().bytes(new ByteSet().add(0x20, 0x7F).remove("\"\\")),
                b.seq().lit("\\").bytes(new ByteSet().add("\"\\/bfnrt")),
                b.seq().lit("\\u").ref(hex).ref(hex).ref(hex).ref(hex),
                b.seq().range(0xC2, 0xDF).ref(cont),
                b.seq().range(0xE0, 0xE0).range(0xA0, 0xBF).ref(cont),
                b.seq().bytes(new ByteSet().add(0xE1, 0xEC).add(0xEE, 0xEF)).ref(cont).ref(cont),
                b.seq().range(0xED, 0xED).range(0x80, 0x9F).ref(cont),
                b.seq().range(0xF0, 0xF0).range(0x90, 0xBF).ref(cont).ref(cont),
                b.seq().range(0xF1, 0xF3).ref(cont).ref(cont).ref(cont),
                b.seq().range(0xF4, 0xF4).range(0x80, 0x8F).ref(cont).ref(cont));
    }
}
