package io.qwen4j.chat.template;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's value semantics, as Jinja2 inherits them: {@code str()}, {@code repr()}, truthiness, equality and
 * ordering, {@code len()}, iteration, whitespace, and {@code json.dumps(ensure_ascii=False)}.
 * Values are null (None), Boolean, Long (int), Double (float), String, List (list), {@link Tuple}, Map (dict),
 * {@link Namespace}, {@link Undefined}, {@link PyCallable}. Strings are indexed by code point, as in Python.
 */
final class Py {
    private Py() {}

    // ---- types

    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "float";
            case String s -> "str";
            case Tuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Namespace n -> "Namespace";
            case Undefined u -> "Undefined";
            case Interpreter.Loop l -> "LoopContext";
            case Generator g -> "generator";
            case PyCallable c -> "function";
            default -> v.getClass().getSimpleName();
        };
    }

    static boolean isInt(Object v) {
        return v instanceof Long || v instanceof Boolean;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    static long toLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    static double toDouble(Object v) {
        return v instanceof Double d ? d : toLong(v);
    }

    static TemplateException typeError(String message) {
        return new TemplateException("TypeError: " + message);
    }

    // ---- str / repr

    static String str(Object v) {
        return switch (v) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> floatRepr(d);
            case String s -> s;
            case Undefined u -> "";
            case List<?> l -> repr(l);
            case Map<?, ?> m -> repr(m);
            default -> v.toString();
        };
    }

    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> stringRepr(s);
            case Tuple t -> {
                var sb = new StringBuilder("(");
                for (int i = 0; i < t.size(); i++) sb.append(i > 0 ? ", " : "").append(repr(t.get(i)));
                yield sb.append(t.size() == 1 ? ",)" : ")").toString();
            }
            case List<?> l -> {
                var sb = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append(repr(l.get(i)));
                yield sb.append(']').toString();
            }
            case Map<?, ?> m -> {
                var sb = new StringBuilder("{");
                boolean first = true;
                for (var e : m.entrySet()) {
                    sb.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                    first = false;
                }
                yield sb.append('}').toString();
            }
            case Undefined u -> "Undefined";
            default -> str(v);
        };
    }

    /** {@code float.__repr__}: the shortest digits that round-trip, in exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return 1 / d < 0 ? "-0.0" : "0.0";
        // Double.toString gives the shortest round-tripping digits (JDK 19+), as Python's repr does.
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        if (bd.precision() == 2) { // Java prints at least two digits (4.9E-324) where one may round-trip (5e-324)
            BigDecimal one = bd.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
            if (one.doubleValue() == Math.abs(d)) bd = one.stripTrailingZeros();
        }
        String digits = bd.unscaledValue().toString();
        int decpt = digits.length() - bd.scale(); // value = 0.DIGITS * 10^decpt
        var sb = new StringBuilder(d < 0 ? "-" : "");
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) sb.append("0.").append("0".repeat(-decpt)).append(digits);
            else if (decpt >= digits.length()) sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
            else sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
            int exp = decpt - 1;
            sb.append(exp < 0 ? "e-" : "e+");
            if (Math.abs(exp) < 10) sb.append('0');
            sb.append(Math.abs(exp));
        }
        return sb.toString();
    }

    private static String stringRepr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        var sb = new StringBuilder().append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') sb.append('\\').appendCodePoint(cp);
            else if (cp == '\t') sb.append("\\t");
            else if (cp == '\n') sb.append("\\n");
            else if (cp == '\r') sb.append("\\r");
            else if (cp < 0x20 || cp == 0x7f) sb.append(String.format("\\x%02x", cp));
            else if (cp < 0x7f || isPrintable(cp)) sb.appendCodePoint(cp);
            else if (cp <= 0xff) sb.append(String.format("\\x%02x", cp));
            else if (cp <= 0xffff) sb.append(String.format("\\u%04x", cp));
            else sb.append(String.format("\\U%08x", cp));
        });
        return sb.append(quote).toString();
    }

    private static boolean isPrintable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    // ---- truth, equality, order

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Undefined u -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    static boolean eq(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) return toLong(a) == toLong(b);
            return toDouble(a) == toDouble(b);
        }
        if (a instanceof Undefined && b instanceof Undefined) return true;
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if ((a instanceof Tuple) != (b instanceof Tuple) || la.size() != lb.size()) return false;
            for (int i = 0; i < la.size(); i++) if (!eq(la.get(i), lb.get(i))) return false;
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) return false;
            for (var e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !eq(e.getValue(), mb.get(e.getKey()))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    /** Python's {@code <} family; fails like Python for unorderable types. */
    static int compare(Object a, Object b, String op) {
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        if (isNumber(a) && isNumber(b)) {
            if (isInt(a) && isInt(b)) return Long.compare(toLong(a), toLong(b));
            return Double.compare(toDouble(a), toDouble(b));
        }
        if (a instanceof String sa && b instanceof String sb) return compareCodePoints(sa, sb);
        if (a instanceof List<?> la && b instanceof List<?> lb && (a instanceof Tuple) == (b instanceof Tuple)) {
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                if (!eq(la.get(i), lb.get(i))) return compare(la.get(i), lb.get(i), op);
            }
            return Integer.compare(la.size(), lb.size());
        }
        throw typeError("'" + op + "' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    // ---- containers

    static int len(Object v) {
        return switch (v) {
            case String s -> s.codePointCount(0, s.length());
            case Collection<?> c -> c.size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            case null, default -> throw typeError("object of type '" + typeName(v) + "' has no len()");
        };
    }

    /** What a Python for loop over {@code v} sees: list items, dict keys, string characters. */
    static List<Object> iterate(Object v) {
        return switch (v) {
            case List<?> l -> new ArrayList<>(l);
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case String s -> new ArrayList<>(s.codePoints().mapToObj(Character::toString).toList());
            case Generator g -> g.consume();
            case Undefined u -> new ArrayList<>();
            case null, default -> throw typeError("'" + typeName(v) + "' object is not iterable");
        };
    }

    static boolean contains(Object container, Object item) {
        return switch (container) {
            case String s -> {
                if (item instanceof String sub) yield s.contains(sub);
                throw typeError("'in <string>' requires string as left operand, not " + typeName(item));
            }
            case Map<?, ?> m -> {
                if (item instanceof Map<?, ?> || (item instanceof List<?> && !(item instanceof Tuple))) {
                    throw typeError("unhashable type: '" + typeName(item) + "'");
                }
                yield m.containsKey(item) || m.keySet().stream().anyMatch(k -> eq(k, item));
            }
            case List<?> l -> l.stream().anyMatch(x -> eq(x, item));
            case Generator g -> g.consume().stream().anyMatch(x -> eq(x, item));
            case Undefined u -> false;
            case null, default -> throw typeError("argument of type '" + typeName(container) + "' is not iterable");
        };
    }

    // ---- whitespace (str.isspace) and strip

    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f
                || cp == 0x3000;
    }

    static boolean isBlank(String s, int from) {
        for (int i = from; i < s.length(); i++) if (!isSpace(s.charAt(i))) return false;
        return true;
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isSpace(cp) : chars.indexOf(Character.toString(cp)) >= 0;
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && stripped(s.codePointAt(i), chars)) i += Character.charCount(s.codePointAt(i));
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0 && stripped(s.codePointBefore(j), chars)) j -= Character.charCount(s.codePointBefore(j));
        return s.substring(0, j);
    }

    static String strip(String s, String chars) {
        return lstrip(rstrip(s, chars), chars);
    }

    // ---- literals

    /** Jinja decodes string literals with Python's {@code unicode-escape}; unknown escapes stay as written. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        var sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                sb.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\n' -> {}
                case '\\', '\'', '"' -> sb.append(e);
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    try {
                        sb.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + n), 16));
                    } catch (RuntimeException ex) {
                        throw new TemplateException("truncated \\" + e + " escape in string literal");
                    }
                    i += n;
                }
                case 'N' -> {
                    int close = s.indexOf('}', i);
                    if (i + 1 >= s.length() || s.charAt(i + 1) != '{' || close < 0) throw new TemplateException("malformed \\N escape");
                    try {
                        sb.appendCodePoint(Character.codePointOf(s.substring(i + 2, close)));
                    } catch (IllegalArgumentException ex) {
                        throw new TemplateException("unknown Unicode character name in \\N escape");
                    }
                    i = close;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = 0;
                        int k = i;
                        while (k < s.length() && k < i + 3 && s.charAt(k) >= '0' && s.charAt(k) <= '7') v = v * 8 + (s.charAt(k++) - '0');
                        sb.appendCodePoint(v);
                        i = k - 1;
                    } else {
                        sb.append('\\').append(e);
                    }
                }
            }
        }
        return sb.toString();
    }

    // ---- json.dumps(ensure_ascii=False)

    /** {@code json.dumps(ensure_ascii=False)} with its default separators: one line with {@code ", "} and {@code ": "}. */
    static String json(Object v) {
        return json(v, null, ", ", ": ", false, false);
    }

    /** {@code json.dumps(v, ensure_ascii, indent, separators=(itemSep, keySep), sort_keys)}; indent null is one line. */
    static String json(Object v, String indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii) {
        var sb = new StringBuilder();
        new JsonWriter(sb, indent, itemSep, keySep, sortKeys, ensureAscii).write(v, 0);
        return sb.toString();
    }

    private record JsonWriter(StringBuilder sb, String indent, String itemSep, String keySep, boolean sortKeys, boolean ensureAscii) {
        private void write(Object v, int level) {
            switch (v) {
                case null -> sb.append("null");
                case Boolean b -> sb.append(b);
                case Long l -> sb.append(l);
                case Double d -> sb.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d));
                case String s -> string(s);
                case List<?> l -> {
                    if (l.isEmpty()) {
                        sb.append("[]");
                        return;
                    }
                    sb.append('[');
                    for (int i = 0; i < l.size(); i++) {
                        if (i > 0) sb.append(itemSep);
                        newline(level + 1);
                        write(l.get(i), level + 1);
                    }
                    newline(level);
                    sb.append(']');
                }
                case Map<?, ?> m -> {
                    if (m.isEmpty()) {
                        sb.append("{}");
                        return;
                    }
                    var entries = new ArrayList<Map.Entry<String, Object>>();
                    for (var e : m.entrySet()) entries.add(Map.entry(jsonKey(e.getKey()), e.getValue() == null ? NULL : e.getValue()));
                    if (sortKeys) entries.sort((x, y) -> compareCodePoints(x.getKey(), y.getKey()));
                    sb.append('{');
                    boolean first = true;
                    for (var e : entries) {
                        if (!first) sb.append(itemSep);
                        first = false;
                        newline(level + 1);
                        string(e.getKey());
                        sb.append(keySep);
                        write(e.getValue() == NULL ? null : e.getValue(), level + 1);
                    }
                    newline(level);
                    sb.append('}');
                }
                default -> throw typeError("Object of type " + typeName(v) + " is not JSON serializable");
            }
        }

        private void newline(int level) {
            if (indent != null) sb.append('\n').append(indent.repeat(level));
        }

        private void string(String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20 || (ensureAscii && c > 0x7f)) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                    }
                }
            }
            sb.append('"');
        }
    }

    private static final Object NULL = new Object();

    private static String jsonKey(Object k) {
        return switch (k) {
            case String s -> s;
            case null -> "null";
            case Boolean b -> b.toString();
            case Long l -> l.toString();
            case Double d -> d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d);
            default -> throw typeError("keys must be str, int, float, bool or None, not " + typeName(k));
        };
    }

}
