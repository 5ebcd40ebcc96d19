package io.qwen4j.chat.template;

import java.util.ArrayList;
import java.util.List;

/** Python's binary and unary operators on template values (int results stay int; {@code /} is always float). */
final class Arithmetic {
    private Arithmetic() {}

    static Object apply(String op, Object a, Object b) {
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        if (Py.isNumber(a) && Py.isNumber(b)) return numeric(op, a, b);
        switch (op) {
            case "+" -> {
                if (a instanceof String x && b instanceof String y) return x + y;
                if (a instanceof List<?> x && b instanceof List<?> y && (a instanceof Tuple) == (b instanceof Tuple)) {
                    var r = new ArrayList<Object>(x);
                    r.addAll(y);
                    return a instanceof Tuple ? Tuple.of(r) : r;
                }
                if (a instanceof String) throw Py.typeError("can only concatenate str (not \"" + Py.typeName(b) + "\") to str");
            }
            case "*" -> {
                if (Py.isInt(b) && (a instanceof String || a instanceof List<?>)) return repeat(a, Py.toLong(b));
                if (Py.isInt(a) && (b instanceof String || b instanceof List<?>)) return repeat(b, Py.toLong(a));
            }
            case "%" -> {
                if (a instanceof String fmt) return PercentFormat.format(fmt, b);
            }
            default -> {}
        }
        throw Py.typeError("unsupported operand type(s) for " + op + ": '" + Py.typeName(a) + "' and '" + Py.typeName(b) + "'");
    }

    private static Object repeat(Object seq, long times) {
        if (seq instanceof String s) return times <= 0 ? "" : s.repeat(Math.toIntExact(times));
        var r = new ArrayList<Object>();
        for (long i = 0; i < times; i++) r.addAll((List<?>) seq);
        return seq instanceof Tuple ? Tuple.of(r) : r;
    }

    private static Object numeric(String op, Object a, Object b) {
        if (Py.isInt(a) && Py.isInt(b) && !op.equals("/")) {
            long x = Py.toLong(a);
            long y = Py.toLong(b);
            try {
                return switch (op) {
                    case "+" -> Math.addExact(x, y);
                    case "-" -> Math.subtractExact(x, y);
                    case "*" -> Math.multiplyExact(x, y);
                    case "//" -> {
                        if (y == 0) throw new TemplateException("ZeroDivisionError: integer division or modulo by zero");
                        yield Math.floorDiv(x, y);
                    }
                    case "%" -> {
                        if (y == 0) throw new TemplateException("ZeroDivisionError: integer modulo by zero");
                        yield Math.floorMod(x, y);
                    }
                    case "**" -> {
                        if (x == 0 && y < 0) throw new TemplateException("ZeroDivisionError: 0.0 cannot be raised to a negative power");
                        yield y >= 0 ? (Object) power(x, y) : (Object) Math.pow(x, y);
                    }
                    default -> throw new IllegalStateException(op);
                };
            } catch (ArithmeticException e) {
                throw new TemplateException("integer overflow in " + x + " " + op + " " + y + " (beyond 64 bits)");
            }
        }
        double x = Py.toDouble(a);
        double y = Py.toDouble(b);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "/" -> {
                if (y == 0) throw new TemplateException("ZeroDivisionError: division by zero");
                yield x / y;
            }
            case "//" -> {
                if (y == 0) throw new TemplateException("ZeroDivisionError: float floor division by zero");
                yield Math.floor(x / y);
            }
            case "%" -> {
                if (y == 0) throw new TemplateException("ZeroDivisionError: float modulo");
                double r = x % y;
                yield r != 0 && (r < 0) != (y < 0) ? r + y : r;
            }
            case "**" -> {
                if (x == 0 && y < 0) throw new TemplateException("ZeroDivisionError: 0.0 cannot be raised to a negative power");
                if (x < 0 && y != Math.rint(y)) throw new TemplateException("a negative number to a fractional power is complex, which templates do not support");
                yield Math.pow(x, y);
            }
            default -> throw new IllegalStateException(op);
        };
    }

    private static long power(long base, long exp) {
        long result = 1;
        for (long i = 0; i < exp; i++) result = Math.multiplyExact(result, base);
        return result;
    }

    static Object unary(String op, Object v) {
        if (v instanceof Undefined u) throw u.fail();
        if (!Py.isNumber(v)) throw Py.typeError("bad operand type for unary " + op + ": '" + Py.typeName(v) + "'");
        if (op.equals("+")) return v instanceof Boolean ? (Object) Py.toLong(v) : v;
        return v instanceof Double d ? (Object) (-d) : (Object) Math.negateExact(Py.toLong(v));
    }
}
