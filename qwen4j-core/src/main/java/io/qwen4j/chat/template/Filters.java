package io.qwen4j.chat.template;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Jinja2's built-in filters and tests ({@code jinja2.filters}, {@code jinja2.tests}), plus transformers' tojson. */
final class Filters {
    private Filters() {}

    static final Set<String> FILTERS = Set.of("length", "count", "first", "last", "join", "map", "select", "reject",
            "selectattr", "rejectattr", "list", "reverse", "sort", "unique", "default", "d", "trim", "upper", "lower",
            "capitalize", "title", "replace", "int", "float", "string", "tojson", "safe", "escape", "e", "forceescape",
            "indent", "items", "abs", "round", "min", "max", "sum", "dictsort", "format", "attr", "wordcount", "center",
            "batch", "striptags", "truncate");
    static final Set<String> TESTS = Set.of("defined", "undefined", "none", "boolean", "true", "false", "integer",
            "float", "number", "string", "mapping", "iterable", "sequence", "callable", "sameas", "eq", "equalto", "==",
            "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in", "divisibleby",
            "odd", "even", "lower", "upper", "escaped", "filter", "test");

    /** Filters that return a Python generator or iterator in Jinja 3.1 (always true, no length, iterable once). */
    private static final Set<String> GENERATORS = Set.of("map", "select", "reject", "selectattr", "rejectattr", "unique",
            "batch", "items");

    /** Jinja's map and select family start with {@code if value:}, so a false input (None, 0, "") gives nothing. */
    private static final Set<String> EMPTY_WHEN_FALSE = Set.of("map", "select", "reject", "selectattr", "rejectattr");

    static Object filter(Interpreter in, String name, Object value, List<Object> args, Map<String, Object> kwargs) {
        Object result = EMPTY_WHEN_FALSE.contains(name) && !Py.truthy(value) ? new ArrayList<>() : apply(in, name, value, args, kwargs);
        if (GENERATORS.contains(name) || (name.equals("reverse") && !(value instanceof String))) {
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) result;
            return new Generator(name, items);
        }
        return result;
    }

    private static Object apply(Interpreter in, String name, Object value, List<Object> args, Map<String, Object> kwargs) {
        var a = new Methods.Args(name, args, kwargs);
        return switch (name) {
            case "length", "count" -> (long) Py.len(value);
            case "first" -> {
                List<Object> items = Py.iterate(value);
                yield items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.getFirst();
            }
            case "last" -> {
                List<Object> items = Py.iterate(value);
                yield items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.getLast();
            }
            case "join" -> {
                String sep = Py.str(a.get(0, "d", ""));
                Object attribute = a.get(1, "attribute", null);
                var sb = new StringBuilder();
                List<Object> items = Py.iterate(value);
                for (int i = 0; i < items.size(); i++) {
                    Object item = attribute == null ? items.get(i) : attributeOf(items.get(i), attribute);
                    sb.append(i > 0 ? sep : "").append(Py.str(item));
                }
                yield sb.toString();
            }
            case "map" -> {
                var out = new ArrayList<Object>();
                for (Object item : Py.iterate(value)) {
                    if (kwargs.containsKey("attribute")) {
                        Object v = attributeOf(item, kwargs.get("attribute"));
                        out.add(v instanceof Undefined && kwargs.containsKey("default") ? kwargs.get("default") : v);
                    } else {
                        if (args.isEmpty()) throw Py.typeError("map requires a filter argument");
                        String filter = Py.str(args.getFirst());
                        out.add(filter(in, filter, item, args.subList(1, args.size()), Map.of()));
                    }
                }
                yield out;
            }
            case "select", "reject" -> {
                var out = new ArrayList<Object>();
                boolean keep = name.equals("select");
                for (Object item : Py.iterate(value)) {
                    boolean r = args.isEmpty() ? Py.truthy(item)
                            : test(in, Py.str(args.getFirst()), item, args.subList(1, args.size()));
                    if (r == keep) out.add(item);
                }
                yield out;
            }
            case "selectattr", "rejectattr" -> {
                var out = new ArrayList<Object>();
                boolean keep = name.equals("selectattr");
                Object attribute = a.required(0, "attribute");
                for (Object item : Py.iterate(value)) {
                    Object v = attributeOf(item, attribute);
                    boolean r = args.size() < 2 ? Py.truthy(v) : test(in, Py.str(args.get(1)), v, args.subList(2, args.size()));
                    if (r == keep) out.add(item);
                }
                yield out;
            }
            case "list" -> Py.iterate(value);
            case "reverse" -> {
                if (value instanceof String s) yield new StringBuilder(s).reverse().toString();
                List<Object> items = Py.iterate(value);
                java.util.Collections.reverse(items);
                yield items;
            }
            case "sort" -> {
                boolean reverse = Py.truthy(a.get(0, "reverse", false));
                boolean caseSensitive = Py.truthy(a.get(1, "case_sensitive", false));
                Object attribute = a.get(2, "attribute", null);
                List<Object> items = Py.iterate(value);
                Comparator<Object> order = (x, y) -> Py.compare(sortKey(x, attribute, caseSensitive), sortKey(y, attribute, caseSensitive), "<");
                items.sort(reverse ? order.reversed() : order);
                yield items;
            }
            case "unique" -> {
                boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
                Object attribute = a.get(1, "attribute", null);
                var seen = new ArrayList<Object>();
                var out = new ArrayList<Object>();
                for (Object item : Py.iterate(value)) {
                    Object key = sortKey(item, attribute, caseSensitive);
                    if (seen.stream().noneMatch(k -> Py.eq(k, key))) {
                        seen.add(key);
                        out.add(item);
                    }
                }
                yield out;
            }
            case "min", "max" -> {
                boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
                Object attribute = a.get(1, "attribute", null);
                Object best = null;
                boolean found = false;
                for (Object item : Py.iterate(value)) {
                    int c = found ? Py.compare(sortKey(item, attribute, caseSensitive), sortKey(best, attribute, caseSensitive), "<") : 0;
                    if (!found || (name.equals("min") ? c < 0 : c > 0)) best = item;
                    found = true;
                }
                yield found ? best : new Undefined("No aggregated item, sequence was empty.");
            }
            case "sum" -> {
                Object attribute = a.get(0, "attribute", null);
                Object total = a.get(1, "start", 0L);
                for (Object item : Py.iterate(value)) {
                    total = Arithmetic.apply("+", total, attribute == null ? item : attributeOf(item, attribute));
                }
                yield total;
            }
            case "dictsort" -> {
                if (!(value instanceof Map<?, ?> m)) throw Py.typeError("dictsort expects a mapping");
                boolean caseSensitive = Py.truthy(a.get(0, "case_sensitive", false));
                int pos = "value".equals(a.get(1, "by", "key")) ? 1 : 0;
                boolean reverse = Py.truthy(a.get(2, "reverse", false));
                var items = new ArrayList<Object>();
                for (var e : m.entrySet()) items.add(new Tuple(e.getKey(), e.getValue()));
                Comparator<Object> order = (x, y) -> Py.compare(sortKey(((Tuple) x).get(pos), null, caseSensitive),
                        sortKey(((Tuple) y).get(pos), null, caseSensitive), "<");
                items.sort(reverse ? order.reversed() : order);
                yield items;
            }
            case "default", "d" -> {
                Object fallback = a.get(0, "default_value", "");
                boolean bool = Py.truthy(a.get(1, "boolean", false));
                yield value instanceof Undefined || (bool && !Py.truthy(value)) ? fallback : value;
            }
            case "trim" -> Py.strip(Py.str(value), a.optionalString(0, "chars"));
            case "upper" -> Py.str(value).toUpperCase(Locale.ROOT);
            case "lower" -> Py.str(value).toLowerCase(Locale.ROOT);
            case "capitalize" -> Methods.capitalize(Py.str(value));
            case "title" -> jinjaTitle(Py.str(value));
            case "replace" -> {
                Object count = a.get(2, "count", null);
                var callArgs = new ArrayList<Object>(List.of(Py.str(a.required(0, "old")), Py.str(a.required(1, "new"))));
                if (count != null) callArgs.add(count);
                yield Methods.call(Py.str(value), "replace", callArgs, Map.of());
            }
            case "int" -> toInt(value, a.get(0, "default", 0L), a.integer(1, "base", 10));
            case "float" -> toFloat(value, a.get(0, "default", 0.0));
            case "string", "safe" -> Py.str(value);
            case "escape", "e", "forceescape" -> escapeHtml(Py.str(value));
            case "tojson" -> tojson(value, args, kwargs);
            case "indent" -> indent(value, a.get(0, "width", 4L), Py.truthy(a.get(1, "first", false)), Py.truthy(a.get(2, "blank", false)));
            case "items" -> {
                if (value instanceof Undefined) yield new ArrayList<>();
                if (!(value instanceof Map<?, ?> m)) throw Py.typeError("Can only get item pairs from a mapping.");
                yield Methods.call(m, "items", List.of(), Map.of());
            }
            case "abs" -> {
                if (!Py.isNumber(value)) throw Py.typeError("bad operand type for abs(): '" + Py.typeName(value) + "'");
                yield value instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Py.toLong(value));
            }
            case "round" -> round(value, a.integer(0, "precision", 0), Py.str(a.get(1, "method", "common")));
            case "format" -> PercentFormat.format(Py.str(value), kwargs.isEmpty() ? Tuple.of(args) : new LinkedHashMap<>(kwargs));
            case "attr" -> {
                String attr = Py.str(a.required(0, "name"));
                if (value instanceof Map<?, ?> && !Methods.has(value, attr)) yield Undefined.attribute(value, attr);
                yield Interpreter.getattr(value, attr);
            }
            case "wordcount" -> (long) java.util.regex.Pattern.compile("\\w+", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS)
                    .matcher(Py.str(value)).results().count();
            case "center" -> Methods.call(Py.str(value), "center", List.of(a.get(0, "width", 80L)), Map.of());
            case "batch" -> {
                long size = a.integer(0, "linecount", 1);
                if (size <= 0) throw new TemplateException("ValueError: batch size must be positive");
                Object fill = a.get(1, "fill_with", null);
                var out = new ArrayList<Object>();
                var current = new ArrayList<Object>();
                for (Object item : Py.iterate(value)) {
                    current.add(item);
                    if (current.size() == size) {
                        out.add(current);
                        current = new ArrayList<>();
                    }
                }
                if (!current.isEmpty()) {
                    if (fill != null) while (current.size() < size) current.add(fill);
                    out.add(current);
                }
                yield out;
            }
            case "striptags" -> String.join(" ", Methods.split(Py.str(value).replaceAll("(?s)<!--.*?-->|<[^>]*>", ""), null, -1)
                    .stream().map(Object::toString).toList());
            case "truncate" -> truncate(Py.str(value), a.integer(0, "length", 255), Py.truthy(a.get(1, "killwords", false)),
                    Py.str(a.get(2, "end", "...")), a.integer(3, "leeway", 5));
            default -> throw new TemplateException("no filter named '" + name + "'");
        };
    }

    /** Jinja's attribute getter for map/selectattr/sort/join: dotted path, digits as indexes, item access first. */
    private static Object attributeOf(Object item, Object attribute) {
        if (attribute instanceof Long l) return Interpreter.getitem(item, l);
        Object v = item;
        for (String part : Py.str(attribute).split("\\.")) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            v = Interpreter.getitem(v, key);
            if (v instanceof Undefined) return v;
        }
        return v;
    }

    private static Object sortKey(Object item, Object attribute, boolean caseSensitive) {
        Object key = attribute == null ? item : attributeOf(item, attribute);
        return !caseSensitive && key instanceof String s ? s.toLowerCase(Locale.ROOT) : key;
    }

    /** Jinja's title filter: upper-cases the first letter of each word split at blanks, dashes and brackets. */
    private static String jinjaTitle(String s) {
        var sb = new StringBuilder();
        var m = java.util.regex.Pattern.compile("([-\\s({\\[<]+)", java.util.regex.Pattern.UNICODE_CHARACTER_CLASS).matcher(s);
        int last = 0;
        while (m.find()) {
            sb.append(titleWord(s.substring(last, m.start()))).append(m.group());
            last = m.end();
        }
        return sb.append(titleWord(s.substring(last))).toString();
    }

    private static String titleWord(String w) {
        if (w.isEmpty()) return w;
        int first = w.codePointAt(0);
        return Character.toString(first).toUpperCase(Locale.ROOT) + w.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    private static Object toInt(Object value, Object fallback, long base) {
        if (value instanceof Undefined u) throw u.fail(); // int(float(undefined)) fails in Jinja too
        if (value instanceof Long) return value;
        if (value instanceof Boolean b) return b ? 1L : 0L;
        if (value instanceof Double d) return Double.isFinite(d) ? (Object) (long) (double) d : fallback;
        if (value instanceof String s) {
            String t = Py.strip(s, null).replace("_", "");
            try {
                return Long.parseLong(t.startsWith("+") ? t.substring(1) : t, (int) base);
            } catch (NumberFormatException e) {
                Object f = toFloat(value, null);
                return f instanceof Double d && Double.isFinite(d) ? (Object) (long) (double) d : fallback;
            }
        }
        return fallback;
    }

    private static Object toFloat(Object value, Object fallback) {
        if (value instanceof Undefined u) throw u.fail();
        if (Py.isNumber(value)) return Py.toDouble(value);
        if (value instanceof String s) {
            String t = Py.strip(s, null).replace("_", "").toLowerCase(Locale.ROOT);
            switch (t) {
                case "inf", "+inf", "infinity", "+infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-inf", "-infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                case "nan", "+nan", "-nan" -> {
                    return Double.NaN;
                }
                default -> {}
            }
            if (t.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) return Double.parseDouble(t);
        }
        return fallback;
    }

    private static Object round(Object value, long precision, String method) {
        if (!Py.isNumber(value)) throw Py.typeError("type " + Py.typeName(value) + " doesn't define __round__ method");
        double d = Py.toDouble(value);
        if (!Double.isFinite(d)) return d;
        RoundingMode mode = switch (method) {
            case "common" -> RoundingMode.HALF_EVEN; // Python's round(): the exact binary value, ties to even
            case "ceil" -> RoundingMode.CEILING;
            case "floor" -> RoundingMode.FLOOR;
            default -> throw Py.typeError("method must be common, ceil or floor");
        };
        double r = new BigDecimal(d).setScale((int) precision, mode).doubleValue();
        return method.equals("common") && Py.isInt(value) ? (Object) (long) r : (Object) r;
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;").replace("'", "&#39;");
    }

    /** transformers' tojson: {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
    private static String tojson(Object value, List<Object> args, Map<String, Object> kwargs) {
        var a = new Methods.Args("tojson", args, kwargs);
        boolean ensureAscii = Py.truthy(a.get(0, "ensure_ascii", false));
        Object indentArg = a.get(1, "indent", null);
        Object separators = a.get(2, "separators", null);
        boolean sortKeys = Py.truthy(a.get(3, "sort_keys", false));
        String indent = switch (indentArg) {
            case null -> null;
            case String s -> s;
            default -> " ".repeat((int) Math.max(0, Py.toLong(indentArg)));
        };
        String itemSep = indent == null ? ", " : ",";
        String keySep = ": ";
        if (separators instanceof List<?> seps && seps.size() == 2) {
            itemSep = Py.str(seps.get(0));
            keySep = Py.str(seps.get(1));
        }
        return Py.json(value, indent, itemSep, keySep, sortKeys, ensureAscii);
    }

    /** Jinja's indent filter, including its quirk of appending a newline before splitting lines. */
    private static String indent(Object value, Object width, boolean first, boolean blank) {
        if (value instanceof Undefined u) throw u.fail();
        if (!(value instanceof String)) throw Py.typeError("unsupported operand type(s) for +=: '" + Py.typeName(value) + "' and 'str'");
        String indention = width instanceof String w ? w : " ".repeat((int) Math.max(0, Py.toLong(width)));
        String s = Py.str(value) + "\n";
        @SuppressWarnings("unchecked")
        List<Object> lines = (List<Object>) Methods.call(s, "splitlines", List.of(), Map.of());
        String rv;
        if (blank) {
            rv = String.join("\n" + indention, lines.stream().map(Object::toString).toList());
        } else {
            var sb = new StringBuilder((String) lines.getFirst());
            for (int i = 1; i < lines.size(); i++) {
                String line = (String) lines.get(i);
                sb.append('\n').append(line.isEmpty() ? line : indention + line);
            }
            rv = sb.toString();
        }
        return first ? indention + rv : rv;
    }

    private static String truncate(String s, long length, boolean killwords, String end, long leeway) {
        if (s.length() <= length + leeway) return s;
        if (killwords) return s.substring(0, (int) Math.max(0, length - end.length())) + end;
        String cut = s.substring(0, (int) Math.max(0, length - end.length()));
        int space = cut.lastIndexOf(' ');
        return (space >= 0 ? cut.substring(0, space) : cut) + end;
    }

    // ---- tests

    static boolean test(Interpreter in, String name, Object value, List<Object> args) {
        return switch (name) {
            case "defined" -> !(value instanceof Undefined);
            case "undefined" -> value instanceof Undefined;
            case "none" -> value == null;
            case "boolean" -> value instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(value);
            case "false" -> Boolean.FALSE.equals(value);
            case "integer" -> value instanceof Long;
            case "float" -> value instanceof Double;
            case "number" -> Py.isNumber(value);
            case "string" -> value instanceof String;
            case "mapping" -> value instanceof Map<?, ?>;
            case "iterable" -> value instanceof List<?> || value instanceof Map<?, ?> || value instanceof String
                    || value instanceof Undefined || value instanceof Generator;
            case "sequence" -> value instanceof List<?> || value instanceof Map<?, ?> || value instanceof String
                    || value instanceof Undefined;
            case "callable" -> value instanceof PyCallable || value instanceof Undefined; // Undefined has __call__
            case "sameas" -> value == arg(args, 0) || (value != null && (value instanceof Boolean || value instanceof Long)
                    && value.equals(arg(args, 0)));
            case "eq", "equalto", "==" -> Py.eq(value, arg(args, 0));
            case "ne", "!=" -> !Py.eq(value, arg(args, 0));
            case "lt", "lessthan", "<" -> Py.compare(value, arg(args, 0), "<") < 0;
            case "le", "<=" -> Py.compare(value, arg(args, 0), "<=") <= 0;
            case "gt", "greaterthan", ">" -> Py.compare(value, arg(args, 0), ">") > 0;
            case "ge", ">=" -> Py.compare(value, arg(args, 0), ">=") >= 0;
            case "in" -> Py.contains(arg(args, 0), value);
            case "divisibleby" -> Py.eq(Arithmetic.apply("%", value, arg(args, 0)), 0L);
            case "odd" -> Py.eq(Arithmetic.apply("%", value, 2L), 1L);
            case "even" -> Py.eq(Arithmetic.apply("%", value, 2L), 0L);
            case "lower" -> (boolean) Methods.call(Py.str(value), "islower", List.of(), Map.of());
            case "upper" -> (boolean) Methods.call(Py.str(value), "isupper", List.of(), Map.of());
            case "escaped" -> false;
            case "filter" -> FILTERS.contains(Py.str(value));
            case "test" -> TESTS.contains(Py.str(value));
            default -> throw new TemplateException("no test named '" + name + "'");
        };
    }

    private static Object arg(List<Object> args, int i) {
        if (i >= args.size()) throw Py.typeError("the test needs an argument");
        return args.get(i);
    }
}
