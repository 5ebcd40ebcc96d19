package io.qwen4j.cli;

import java.util.List;
import java.util.Map;

/**
 * JSON text written byte for byte as the reference oracles write it, so that their outputs and ours diff empty:
 * JavaScript's {@code JSON.stringify} escaping (quote, backslash, {@code \b \f \n \r \t}, other controls and lone
 * surrogates as lowercase {@code \}{@code u00xx}; everything else as it is, which Python's
 * {@code json.dumps(ensure_ascii=False)} also does), plus the tokenizer oracle's extra escapes of U+007F..U+009F,
 * U+2028 and U+2029 on one-line records so that no line splitter breaks them. (The template's {@code tojson} and
 * the hub's JSON have other rules: Python's {@code ensure_ascii}, no surrogate escapes.)
 */
final class OracleJson {
    private OracleJson() {}

    /** One JSON Lines record: {@code [1,2,3]} with no spaces. */
    static String line(int[] ids) {
        var sb = new StringBuilder(ids.length * 7 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(ids[i]);
        }
        return sb.append(']').toString();
    }

    /** One JSON Lines record holding a string (oracle.mjs {@code jline}). */
    static String line(String s) {
        var sb = new StringBuilder(s.length() + 2);
        string(s, true, sb);
        return sb.toString();
    }

    /**
     * A document of maps, lists, strings, numbers, booleans and nulls, indented by one space per level with
     * {@code ": "} after keys (JavaScript's {@code JSON.stringify(v, null, 1)}, Python's {@code json.dump(v, indent=1)}),
     * ending in a newline.
     */
    static String document(Object value) {
        var sb = new StringBuilder();
        write(value, 0, sb);
        return sb.append('\n').toString();
    }

    private static void write(Object value, int depth, StringBuilder sb) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> string(s, false, sb);
            case Map<?, ?> m when m.isEmpty() -> sb.append("{}");
            case Map<?, ?> m -> {
                sb.append('{');
                String sep = "\n";
                for (var e : m.entrySet()) {
                    sb.append(sep).repeat(" ", depth + 1);
                    string(String.valueOf(e.getKey()), false, sb);
                    sb.append(": ");
                    write(e.getValue(), depth + 1, sb);
                    sep = ",\n";
                }
                sb.append('\n').repeat(" ", depth).append('}');
            }
            case List<?> l when l.isEmpty() -> sb.append("[]");
            case List<?> l -> {
                sb.append('[');
                String sep = "\n";
                for (Object o : l) {
                    sb.append(sep).repeat(" ", depth + 1);
                    write(o, depth + 1, sb);
                    sep = ",\n";
                }
                sb.append('\n').repeat(" ", depth).append(']');
            }
            case Boolean b -> sb.append(b);
            case Integer i -> sb.append(i);
            case Long l -> sb.append(l);
            case Number num -> sb.append(num);
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass().getSimpleName());
        }
    }

    private static void string(String s, boolean oneLine, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
                            : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
                    if (c < 0x20 || lone || oneLine && (c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029')) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
