package io.qwen4j.chat.template;

import java.util.List;

/** Expression nodes of the template AST. {@code line} is the template line, for error messages. */
sealed interface Expr {
    record Literal(Object value) implements Expr {}

    record Name(String name, int line) implements Expr {}

    /** {@code obj.attr}: Python attribute first, then item (Jinja's {@code Environment.getattr}). */
    record GetAttr(Expr obj, String attr, int line) implements Expr {}

    /** {@code obj[index]}: item first, then attribute (Jinja's {@code Environment.getitem}). */
    record GetItem(Expr obj, Expr index, int line) implements Expr {}

    /** {@code [start:stop:step]}, only as the index of a {@link GetItem}; parts may be null. */
    record Slice(Expr start, Expr stop, Expr step) implements Expr {}

    record Kwarg(String name, Expr value) {}

    record Call(Expr fn, List<Expr> args, List<Kwarg> kwargs, int line) implements Expr {}

    /** {@code value | name(args)}; {@code value} is null in filter blocks and block sets, where the body is the input. */
    record Filter(Expr value, String name, List<Expr> args, List<Kwarg> kwargs, int line) implements Expr {}

    record Test(Expr value, String name, List<Expr> args, boolean negated, int line) implements Expr {}

    /** Arithmetic and {@code ~}: one of + - * / // % ** ~. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr {}

    /** {@code -x}, {@code +x}, {@code not x}. */
    record Unary(String op, Expr operand, int line) implements Expr {}

    record And(Expr left, Expr right) implements Expr {}

    record Or(Expr left, Expr right) implements Expr {}

    /** A chained comparison {@code a < b <= c}; ops are == != < > <= >= in notin. */
    record Compare(Expr first, List<String> ops, List<Expr> rest, int line) implements Expr {}

    /** {@code then if test else orElse}; {@code orElse} null means undefined. */
    record Conditional(Expr test, Expr then, Expr orElse) implements Expr {}

    record ListLiteral(List<Expr> items) implements Expr {}

    record TupleLiteral(List<Expr> items) implements Expr {}

    record DictLiteral(List<Expr> keys, List<Expr> values) implements Expr {}
}
