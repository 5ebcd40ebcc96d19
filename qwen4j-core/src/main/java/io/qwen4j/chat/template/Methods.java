package io.qwen4j.chat.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The Python methods templates call on strings, dicts and lists ({@code s.startswith(...)}, {@code d.items()}). */
final class Methods {
    private Methods() {}

    private static final Set<String> STR = Set.of("startswith", "endswith", "strip", "lstrip", "rstrip", "split", "rsplit",
            "replace", "upper", "lower", "title", "capitalize", "swapcase", "casefold", "find", "rfind", "index", "rindex",
            "count", "join", "isdigit", "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "isupper", "islower",
            "splitlines", "zfill", "ljust", "rjust", "center", "partition", "rpartition", "format", "removeprefix",
            "removesuffix");
    private static final Set<String> DICT = Set.of("items", "keys", "values", "get", "copy");
    private static final Set<String> LIST = Set.of("index", "count", "copy");

    static boolean has(Object self, String name) {
        return switch (self) {
            case null -> false;
            case String s -> STR.contains(name);
            case Map<?, ?> m -> DICT.contains(name);
            case List<?> l -> LIST.contains(name);
            default -> false;
        };
    }

    static Object call(Object self, String name, List<Object> args, Map<String, Object> kwargs) {
        return switch (self) {
            case String s -> string(s, name, new Args(name, args, kwargs));
            case Map<?, ?> m -> dict(m, name, new Args(name, args, kwargs));
            case List<?> l -> list(l, name, new Args(name, args, kwargs));
            default -> throw new IllegalStateException(name);
        };
    }

    /** Positional-or-keyword argument access with Python's error messages. */
    record Args(String fn, List<Object> positional, Map<String, Object> keywords) {
        Object get(int i, String name, Object fallback) {
            if (i < positional.size()) return positional.get(i);
            return keywords.getOrDefault(name, fallback);
        }

        Object required(int i, String name) {
            Object v = get(i, name, MISSING);
            if (v == MISSING) throw Py.typeError(fn + "() missing required argument '" + name + "'");
            return v;
        }

        String string(int i, String name) {
            Object v = required(i, name);
            if (!(v instanceof String s)) throw Py.typeError(fn + "() argument '" + name + "' must be str, not " + Py.typeName(v));
            return s;
        }

        String optionalString(int i, String name) {
            Object v = get(i, name, null);
            if (v == null) return null;
            if (!(v instanceof String s)) throw Py.typeError(fn + "() argument '" + name + "' must be str or None, not " + Py.typeName(v));
            return s;
        }

        long integer(int i, String name, long fallback) {
            Object v = get(i, name, fallback);
            if (!Py.isInt(v)) throw Py.typeError(fn + "() argument '" + name + "' must be int, not " + Py.typeName(v));
            return Py.toLong(v);
        }

        private static final Object MISSING = new Object();
    }

    private static Object string(String s, String name, Args a) {
        return switch (name) {
            case "startswith", "endswith" -> {
                Object arg = a.required(0, "prefix");
                List<?> options = arg instanceof Tuple t ? t : List.of(arg);
                boolean match = false;
                for (Object o : options) {
                    if (!(o instanceof String p)) throw Py.typeError(name + " first arg must be str or a tuple of str, not " + Py.typeName(o));
                    match |= name.equals("startswith") ? s.startsWith(p) : s.endsWith(p);
                }
                yield match;
            }
            case "strip" -> Py.strip(s, a.optionalString(0, "chars"));
            case "lstrip" -> Py.lstrip(s, a.optionalString(0, "chars"));
            case "rstrip" -> Py.rstrip(s, a.optionalString(0, "chars"));
            case "split" -> split(s, a.optionalString(0, "sep"), a.integer(1, "maxsplit", -1));
            case "rsplit" -> rsplit(s, a.optionalString(0, "sep"), a.integer(1, "maxsplit", -1));
            case "splitlines" -> splitlines(s, Py.truthy(a.get(0, "keepends", false)));
            case "replace" -> replace(s, a.string(0, "old"), a.string(1, "new"), a.integer(2, "count", -1));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "casefold" -> s.toLowerCase(Locale.ROOT);
            case "swapcase" -> swapcase(s);
            case "title" -> title(s);
            case "capitalize" -> capitalize(s);
            case "find", "index" -> {
                int i = s.indexOf(a.string(0, "sub"));
                if (i < 0 && name.equals("index")) throw new TemplateException("ValueError: substring not found");
                yield i < 0 ? -1L : (long) s.codePointCount(0, i);
            }
            case "rfind", "rindex" -> {
                int i = s.lastIndexOf(a.string(0, "sub"));
                if (i < 0 && name.equals("rindex")) throw new TemplateException("ValueError: substring not found");
                yield i < 0 ? -1L : (long) s.codePointCount(0, i);
            }
            case "count" -> {
                String sub = a.string(0, "sub");
                if (sub.isEmpty()) yield (long) s.codePointCount(0, s.length()) + 1;
                long n = 0;
                for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
                yield n;
            }
            case "join" -> {
                var sb = new StringBuilder();
                List<Object> items = Py.iterate(a.required(0, "iterable"));
                for (int i = 0; i < items.size(); i++) {
                    if (!(items.get(i) instanceof String item)) {
                        throw Py.typeError("sequence item " + i + ": expected str instance, " + Py.typeName(items.get(i)) + " found");
                    }
                    sb.append(i > 0 ? s : "").append(item);
                }
                yield sb.toString();
            }
            case "isdigit", "isdecimal", "isnumeric" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(Py::isSpace);
            case "isupper" -> s.codePoints().anyMatch(Character::isUpperCase) && s.codePoints().noneMatch(Character::isLowerCase);
            case "islower" -> s.codePoints().anyMatch(Character::isLowerCase) && s.codePoints().noneMatch(Character::isUpperCase);
            case "zfill" -> {
                int width = (int) a.integer(0, "width", 0);
                int n = Py.len(s);
                if (n >= width) yield s;
                boolean sign = s.startsWith("-") || s.startsWith("+");
                yield (sign ? s.substring(0, 1) : "") + "0".repeat(width - n) + (sign ? s.substring(1) : s);
            }
            case "ljust", "rjust", "center" -> {
                int width = (int) a.integer(0, "width", 0);
                String fill = a.get(1, "fillchar", " ") instanceof String f ? f : " ";
                int pad = width - Py.len(s);
                if (pad <= 0) yield s;
                if (name.equals("ljust")) yield s + fill.repeat(pad);
                if (name.equals("rjust")) yield fill.repeat(pad) + s;
                int leftPad = pad / 2 + (pad & width & 1); // CPython's centering rule
                yield fill.repeat(leftPad) + s + fill.repeat(pad - leftPad);
            }
            case "partition", "rpartition" -> {
                String sep = a.string(0, "sep");
                int i = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                if (i < 0) yield name.equals("partition") ? new Tuple(s, "", "") : new Tuple("", "", s);
                yield new Tuple(s.substring(0, i), sep, s.substring(i + sep.length()));
            }
            case "removeprefix" -> {
                String p = a.string(0, "prefix");
                yield s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = a.string(0, "suffix");
                yield s.endsWith(p) && !p.isEmpty() ? s.substring(0, s.length() - p.length()) : s;
            }
            case "format" -> strFormat(s, a.positional(), a.keywords());
            default -> throw new IllegalStateException(name);
        };
    }

    static List<Object> split(String s, String sep, long maxsplit) {
        var parts = new ArrayList<Object>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && Py.isSpace(s.charAt(i))) i++;
                if (i >= n) break;
                if (maxsplit >= 0 && parts.size() >= maxsplit) {
                    parts.add(Py.rstrip(s.substring(i), null));
                    break;
                }
                int j = i;
                while (j < n && !Py.isSpace(s.charAt(j))) j++;
                parts.add(s.substring(i, j));
                i = j;
            }
            return parts;
        }
        if (sep.isEmpty()) throw new TemplateException("ValueError: empty separator");
        int from = 0;
        for (int i = s.indexOf(sep); i >= 0 && (maxsplit < 0 || parts.size() < maxsplit); i = s.indexOf(sep, from)) {
            parts.add(s.substring(from, i));
            from = i + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static List<Object> rsplit(String s, String sep, long maxsplit) {
        if (maxsplit < 0) return split(s, sep, -1);
        var parts = new ArrayList<Object>();
        if (sep == null) {
            int j = s.length();
            while (true) {
                while (j > 0 && Py.isSpace(s.charAt(j - 1))) j--;
                if (j <= 0) break;
                if (parts.size() >= maxsplit) {
                    parts.addFirst(Py.lstrip(s.substring(0, j), null));
                    break;
                }
                int i = j;
                while (i > 0 && !Py.isSpace(s.charAt(i - 1))) i--;
                parts.addFirst(s.substring(i, j));
                j = i;
            }
            return parts;
        }
        if (sep.isEmpty()) throw new TemplateException("ValueError: empty separator");
        int end = s.length();
        for (int i = s.lastIndexOf(sep, end - sep.length()); i >= 0 && parts.size() < maxsplit; i = s.lastIndexOf(sep, end - sep.length())) {
            parts.addFirst(s.substring(i + sep.length(), end));
            end = i;
            if (end - sep.length() < 0) break;
        }
        parts.addFirst(s.substring(0, end));
        return parts;
    }

    private static List<Object> splitlines(String s, boolean keepends) {
        var lines = new ArrayList<Object>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int eol = -1;
            if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') eol = 2;
            else if ("\n\r\u000b\u000c\u001c\u001d\u001e\u0085\u2028\u2029".indexOf(c) >= 0) eol = 1;
            if (eol < 0) {
                i++;
                continue;
            }
            lines.add(s.substring(start, keepends ? i + eol : i));
            i += eol;
            start = i;
        }
        if (start < s.length()) lines.add(s.substring(start));
        return lines;
    }

    private static String replace(String s, String old, String replacement, long count) {
        if (count < 0) {
            if (!old.isEmpty()) return s.replace(old, replacement);
            count = Long.MAX_VALUE;
        }
        var sb = new StringBuilder();
        if (old.isEmpty()) { // Python inserts between every character
            int[] cps = s.codePoints().toArray();
            long done = 0;
            for (int cp : cps) {
                if (done++ < count) sb.append(replacement);
                sb.appendCodePoint(cp);
            }
            if (done < count) sb.append(replacement);
            return sb.toString();
        }
        int from = 0;
        long done = 0;
        for (int i = s.indexOf(old); i >= 0 && done < count; i = s.indexOf(old, from), done++) {
            sb.append(s, from, i).append(replacement);
            from = i + old.length();
        }
        return sb.append(s.substring(from)).toString();
    }

    private static boolean cased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    /** {@code str.title()}: a cased character after an uncased one starts a word. */
    static String title(String s) {
        var sb = new StringBuilder();
        boolean previousCased = false;
        for (int cp : s.codePoints().toArray()) {
            if (cased(cp)) {
                sb.append(previousCased ? Character.toString(cp).toLowerCase(Locale.ROOT) : Character.toString(Character.toTitleCase(cp)));
                previousCased = true;
            } else {
                sb.appendCodePoint(cp);
                previousCased = false;
            }
        }
        return sb.toString();
    }

    static String capitalize(String s) {
        if (s.isEmpty()) return s;
        int first = s.codePointAt(0);
        return Character.toString(Character.toTitleCase(first)) + s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT);
    }

    private static String swapcase(String s) {
        var sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.appendCodePoint(Character.isUpperCase(cp) ? Character.toLowerCase(cp)
                : Character.isLowerCase(cp) ? Character.toUpperCase(cp) : cp));
        return sb.toString();
    }

    /** {@code str.format} with {@code {}}, {@code {0}}, {@code {name}} and {@code !r}/{@code !s}; format specs are not supported. */
    private static String strFormat(String s, List<Object> args, Map<String, Object> kwargs) {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                sb.append('{');
                i++;
            } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                sb.append('}');
                i++;
            } else if (c == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) throw new TemplateException("ValueError: Single '{' encountered in format string");
                String field = s.substring(i + 1, close);
                String conversion = "s";
                int bang = field.indexOf('!');
                if (bang >= 0) {
                    conversion = field.substring(bang + 1);
                    field = field.substring(0, bang);
                }
                if (field.contains(":")) throw new TemplateException("format specs in str.format are not supported: {" + field + "}");
                Object v;
                if (field.isEmpty()) v = positional(args, auto++);
                else if (field.chars().allMatch(Character::isDigit)) v = positional(args, Integer.parseInt(field));
                else if (kwargs.containsKey(field)) v = kwargs.get(field);
                else throw new TemplateException("KeyError: '" + field + "'");
                sb.append(conversion.equals("r") ? Py.repr(v) : Py.str(v));
                i = close;
            } else if (c == '}') {
                throw new TemplateException("ValueError: Single '}' encountered in format string");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Object positional(List<Object> args, int i) {
        if (i >= args.size()) throw new TemplateException("IndexError: Replacement index " + i + " out of range for positional args tuple");
        return args.get(i);
    }

    private static Object dict(Map<?, ?> m, String name, Args a) {
        return switch (name) {
            case "items" -> {
                var items = new ArrayList<Object>();
                for (var e : m.entrySet()) items.add(new Tuple(e.getKey(), e.getValue()));
                yield items;
            }
            case "keys" -> new ArrayList<Object>(m.keySet());
            case "values" -> new ArrayList<Object>(m.values());
            case "get" -> {
                Object key = a.required(0, "key");
                yield m.containsKey(key) ? m.get(key) : a.get(1, "default", null);
            }
            case "copy" -> new java.util.LinkedHashMap<Object, Object>(m);
            default -> throw new IllegalStateException(name);
        };
    }

    private static Object list(List<?> l, String name, Args a) {
        return switch (name) {
            case "index" -> {
                Object x = a.required(0, "value");
                for (int i = 0; i < l.size(); i++) if (Py.eq(l.get(i), x)) yield (long) i;
                throw new TemplateException("ValueError: " + Py.repr(x) + " is not in list");
            }
            case "count" -> {
                Object x = a.required(0, "value");
                yield l.stream().filter(y -> Py.eq(y, x)).count();
            }
            case "copy" -> new ArrayList<Object>(l);
            default -> throw new IllegalStateException(name);
        };
    }
}
