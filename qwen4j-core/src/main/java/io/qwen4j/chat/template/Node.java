package io.qwen4j.chat.template;

import java.util.List;

/** Statement nodes of the template AST. */
sealed interface Node {
    record Text(String text) implements Node {}

    record Output(Expr expr) implements Node {}

    /** if / elif... branches in order; {@code orElse} may be empty. */
    record If(List<Expr> tests, List<List<Node>> bodies, List<Node> orElse) implements Node {}

    /** {@code filter} (the inline {@code if}) may be null; {@code orElse} runs when nothing was iterated. */
    record For(Expr target, Expr iterable, Expr filter, List<Node> body, List<Node> orElse, int line) implements Node {}

    /** {@code target}: a name, a tuple of names, or {@code namespace.attr}. */
    record Set(Expr target, Expr value, int line) implements Node {}

    /** {@code {% set x | filters %}body{% endset %}}. */
    record SetBlock(Expr target, List<Expr.Filter> filters, List<Node> body, int line) implements Node {}

    /** A parameter; {@code defaultValue} null when it has none. */
    record Param(String name, Expr defaultValue) {}

    record Macro(String name, List<Param> params, List<Node> body) implements Node {}

    /** {@code {% call(params) macro(args) %}body{% endcall %}}: the body is the macro's {@code caller()}. */
    record CallBlock(Expr.Call call, List<Param> params, List<Node> body) implements Node {}

    record FilterBlock(List<Expr.Filter> filters, List<Node> body) implements Node {}

    record With(List<Expr> targets, List<Expr> values, List<Node> body) implements Node {}

    record Break() implements Node {}

    record Continue() implements Node {}
}
