package io.qwen4j.sampling.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;

/**
 * A JSON-schema validator for the tested subset, written apart from the compiler so that it can judge its output:
 * $ref, const, enum, anyOf/oneOf/allOf, type (and arrays of types, nullable), properties, required,
 * additionalProperties, items, minItems/maxItems, minLength/maxLength (in code points).
 */
final class SchemaValidator {
    private final JsonNode root;

    private SchemaValidator(JsonNode root) {
        this.root = root;
    }

    static boolean valid(JsonNode value, JsonNode schema) {
        return new SchemaValidator(schema).check(value, schema);
    }

    private boolean check(JsonNode v, JsonNode s) {
        if (s.isBoolean()) return s.booleanValue();
        if (s.has("$ref")) return check(v, root.at(s.get("$ref").asText().substring(1)));
        if (s.has("const")) return same(s.get("const"), v);
        if (s.has("enum")) {
            for (JsonNode e : s.get("enum")) if (same(e, v)) return true;
            return false;
        }
        for (String union : new String[] {"anyOf", "oneOf"}) {
            if (!s.has(union)) continue;
            for (JsonNode option : s.get(union)) if (check(v, option)) return true;
            return false;
        }
        if (s.has("allOf")) {
            for (JsonNode part : s.get("allOf")) if (!check(v, part)) return false;
        }
        var types = new HashSet<String>();
        if (s.has("type")) {
            if (s.get("type").isArray()) s.get("type").forEach(t -> types.add(t.asText()));
            else types.add(s.get("type").asText());
            if (s.path("nullable").asBoolean()) types.add("null");
            if (types.stream().noneMatch(t -> hasType(v, t))) return false;
        }
        if (v.isObject()) {
            for (JsonNode r : s.path("required")) if (!v.has(r.asText())) return false;
            for (var it = v.fields(); it.hasNext(); ) {
                var field = it.next();
                JsonNode p = s.path("properties").get(field.getKey());
                if (p != null) {
                    if (!check(field.getValue(), p)) return false;
                } else if (s.has("additionalProperties") && !check(field.getValue(), s.get("additionalProperties"))) {
                    return false;
                }
            }
        }
        if (v.isArray()) {
            if (v.size() < s.path("minItems").asInt(0) || v.size() > s.path("maxItems").asInt(Integer.MAX_VALUE)) return false;
            if (s.has("items")) for (JsonNode item : v) if (!check(item, s.get("items"))) return false;
        }
        if (v.isTextual()) {
            int length = v.asText().codePointCount(0, v.asText().length());
            if (length < s.path("minLength").asInt(0) || length > s.path("maxLength").asInt(Integer.MAX_VALUE)) return false;
        }
        return true;
    }

    /** JSON equality: numbers by value (Jackson's nodes differ between int, long and double). */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) return false;
            for (var it = a.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!b.has(k) || !same(a.get(k), b.get(k))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            default -> throw new IllegalArgumentException(type);
        };
    }
}
