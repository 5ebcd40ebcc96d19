package io.qwen4j.chat.template;

import java.util.List;
import java.util.Map;

/** Python's printf-style {@code str % args} (the {@code %} operator and Jinja's {@code format} filter). */
final class PercentFormat {
    private PercentFormat() {}

    static String format(String fmt, Object args) {
        List<?> positional = args instanceof Tuple t ? t : List.of(args == null ? NONE : args);
        Map<?, ?> named = args instanceof Map<?, ?> m ? m : null;
        var sb = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (++i >= fmt.length()) throw new TemplateException("ValueError: incomplete format");
            Object value = null;
            boolean haveValue = false;
            if (fmt.charAt(i) == '(') {
                int close = fmt.indexOf(')', i);
                if (close < 0 || named == null) throw Py.typeError("format requires a mapping");
                value = named.get(fmt.substring(i + 1, close));
                haveValue = true;
                i = close + 1;
            }
            int specStart = i;
            while (i < fmt.length() && "-+ #0123456789.".indexOf(fmt.charAt(i)) >= 0) i++;
            if (i >= fmt.length()) throw new TemplateException("ValueError: incomplete format");
            String spec = fmt.substring(specStart, i);
            char conv = fmt.charAt(i);
            if (conv == '%') {
                sb.append('%');
                continue;
            }
            if (!haveValue) {
                if (next >= positional.size()) throw Py.typeError("not enough arguments for format string");
                value = positional.get(next++);
                if (value == NONE) value = null;
            }
            sb.append(convert(spec, conv, value));
        }
        // Python treats any non-tuple argument with __getitem__ (a list, a dict) as a mapping: unused is fine.
        boolean mappingLike = args instanceof Map<?, ?> || (args instanceof List<?> && !(args instanceof Tuple));
        if (!mappingLike && next < positional.size()) throw Py.typeError("not all arguments converted during string formatting");
        return sb.toString();
    }

    private static final Object NONE = new Object();

    private static String convert(String spec, char conv, Object value) {
        int f = 0;
        while (f < spec.length() && "-+ #0".indexOf(spec.charAt(f)) >= 0) f++;
        String flags = spec.substring(0, f);
        String digits = spec.substring(f);
        boolean left = flags.contains("-");
        boolean zero = flags.contains("0");
        boolean plus = flags.contains("+");
        int dot = digits.indexOf('.');
        String widthPart = dot >= 0 ? digits.substring(0, dot) : digits;
        int width = widthPart.isEmpty() ? 0 : Integer.parseInt(widthPart);
        int precision = dot >= 0 ? (digits.length() > dot + 1 ? Integer.parseInt(digits.substring(dot + 1)) : 0) : -1;
        String body = switch (conv) {
            case 's' -> precisionCut(Py.str(value), precision);
            case 'r', 'a' -> precisionCut(Py.repr(value), precision);
            case 'd', 'i', 'u' -> {
                if (!Py.isNumber(value)) throw Py.typeError("%" + conv + " format: a real number is required, not " + Py.typeName(value));
                long v = value instanceof Double d ? (long) (double) d : Py.toLong(value);
                yield (plus && v >= 0 ? "+" : "") + v;
            }
            case 'f', 'F', 'e', 'E', 'g', 'G' -> {
                if (!Py.isNumber(value)) throw Py.typeError("must be real number, not " + Py.typeName(value));
                double d = Py.toDouble(value);
                yield (plus && d >= 0 ? "+" : "")
                        + String.format(java.util.Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + conv, d);
            }
            case 'x', 'X', 'o' -> {
                if (!Py.isInt(value)) throw Py.typeError("%" + conv + " format: an integer is required, not " + Py.typeName(value));
                long v = Py.toLong(value);
                String s = conv == 'o' ? Long.toOctalString(Math.abs(v)) : Long.toHexString(Math.abs(v));
                yield (v < 0 ? "-" : "") + (conv == 'X' ? s.toUpperCase(java.util.Locale.ROOT) : s);
            }
            case 'c' -> value instanceof String s ? s : Character.toString((int) Py.toLong(value));
            default -> throw new TemplateException("ValueError: unsupported format character '" + conv + "'");
        };
        if (body.length() >= width) return body;
        String pad = (zero && !left && conv != 's' && conv != 'r' ? "0" : " ").repeat(width - body.length());
        if (left) return body + " ".repeat(width - body.length());
        if (pad.startsWith("0") && (body.startsWith("-") || body.startsWith("+"))) return body.charAt(0) + pad + body.substring(1);
        return pad + body;
    }

    private static String precisionCut(String s, int precision) {
        return precision >= 0 && precision < s.length() ? s.substring(0, precision) : s;
    }
}
