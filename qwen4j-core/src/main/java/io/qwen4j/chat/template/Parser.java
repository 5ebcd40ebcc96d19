package io.qwen4j.chat.template;

import io.qwen4j.chat.template.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Recursive-descent parser with Jinja2's grammar and precedences ({@code jinja2.parser.Parser}). */
final class Parser {
    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", ">", "<=", ">=");

    private final List<Token> tokens;
    private int pos;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Node> parse(String source) {
        var p = new Parser(Lexer.tokenize(source));
        List<Node> body = p.subparse(Set.of());
        return body;
    }

    // ---- statements

    private Token current() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(pos);
        if (t.kind() != Kind.EOF) pos++;
        return t;
    }

    private TemplateException error(String what, Token at) {
        return new TemplateException(what + " (template line " + at.line() + ")");
    }

    private Token expect(Kind kind, String text) {
        Token t = current();
        if (t.kind() != kind || (text != null && !t.text().equals(text))) {
            String wanted = text != null ? "'" + text + "'" : switch (kind) {
                case NAME -> "a name";
                case BLOCK_END -> "end of statement block";
                case VAR_END -> "end of print statement";
                default -> kind.name().toLowerCase();
            };
            throw error("expected " + wanted + ", got " + t, t);
        }
        return next();
    }

    private void expectBlockEnd() {
        expect(Kind.BLOCK_END, null);
    }

    /** Nodes until EOF or a block whose keyword is in {@code endTags}; stops on that keyword, unconsumed. */
    private List<Node> subparse(Set<String> endTags) {
        var body = new ArrayList<Node>();
        while (true) {
            Token t = current();
            switch (t.kind()) {
                case TEXT -> {
                    next();
                    body.add(new Node.Text(t.text()));
                }
                case VAR_BEGIN -> {
                    next();
                    body.add(new Node.Output(parseTuple(true, Set.of())));
                    expect(Kind.VAR_END, null);
                }
                case BLOCK_BEGIN -> {
                    next();
                    Token name = current();
                    if (name.kind() == Kind.NAME && endTags.contains(name.text())) return body;
                    body.add(parseStatement());
                }
                case EOF -> {
                    if (!endTags.isEmpty()) {
                        throw error("unexpected end of template, expected " + String.join(" or ", sorted(endTags)), t);
                    }
                    return body;
                }
                default -> throw error("unexpected " + t, t);
            }
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().map(x -> "'" + x + "'").toList();
    }

    private Node parseStatement() {
        Token t = current();
        if (t.kind() != Kind.NAME) throw error("tag name expected, got " + t, t);
        next();
        return switch (t.text()) {
            case "if" -> parseIf();
            case "for" -> parseFor(t);
            case "set" -> parseSet(t);
            case "macro" -> parseMacro();
            case "call" -> parseCallBlock();
            case "filter" -> parseFilterBlock();
            case "with" -> parseWith();
            case "generation" -> parseGeneration();
            case "break" -> {
                expectBlockEnd();
                yield new Node.Break();
            }
            case "continue" -> {
                expectBlockEnd();
                yield new Node.Continue();
            }
            default -> throw error("unknown tag '" + t.text() + "'", t);
        };
    }

    private Node parseIf() {
        var tests = new ArrayList<Expr>();
        var bodies = new ArrayList<List<Node>>();
        List<Node> orElse = List.of();
        while (true) {
            tests.add(parseTuple(false, Set.of()));
            expectBlockEnd();
            bodies.add(subparse(Set.of("elif", "else", "endif")));
            Token kw = next();
            if (kw.text().equals("elif")) continue;
            if (kw.text().equals("else")) {
                expectBlockEnd();
                orElse = subparse(Set.of("endif"));
                next();
            }
            break;
        }
        expectBlockEnd();
        return new Node.If(tests, bodies, orElse);
    }

    private Node parseFor(Token at) {
        Expr target = parseAssignTarget(false);
        expect(Kind.NAME, "in");
        Expr iterable = parseTuple(false, Set.of("recursive"));
        Expr filter = null;
        if (current().isName("if")) {
            next();
            filter = parseExpression(true);
        }
        if (current().isName("recursive")) throw error("recursive for loops are not supported", current());
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endfor", "else"));
        List<Node> orElse = List.of();
        if (next().text().equals("else")) {
            expectBlockEnd();
            orElse = subparse(Set.of("endfor"));
            next();
        }
        expectBlockEnd();
        return new Node.For(target, iterable, filter, body, orElse, at.line());
    }

    private Node parseSet(Token at) {
        Expr target = parseAssignTarget(true);
        if (current().isOp("=")) {
            next();
            Expr value = parseTuple(true, Set.of());
            expectBlockEnd();
            return new Node.Set(target, value, at.line());
        }
        List<Expr.Filter> filters = current().isOp("|") ? parseFilterChain() : List.of();
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endset"));
        next();
        expectBlockEnd();
        return new Node.SetBlock(target, filters, body, at.line());
    }

    private Node parseMacro() {
        String name = expect(Kind.NAME, null).text();
        List<Node.Param> params = parseParams();
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endmacro"));
        next();
        if (current().kind() == Kind.NAME) next(); // {% endmacro name %}
        expectBlockEnd();
        return new Node.Macro(name, params, body);
    }

    private List<Node.Param> parseParams() {
        var params = new ArrayList<Node.Param>();
        expect(Kind.OP, "(");
        while (!current().isOp(")")) {
            if (!params.isEmpty()) expect(Kind.OP, ",");
            if (current().isOp(")")) break;
            String name = expect(Kind.NAME, null).text();
            Expr def = null;
            if (current().isOp("=")) {
                next();
                def = parseExpression(true);
            }
            params.add(new Node.Param(name, def));
        }
        next();
        return params;
    }

    private Node parseCallBlock() {
        List<Node.Param> params = current().isOp("(") ? parseParams() : List.of();
        Token at = current();
        if (!(parseExpression(true) instanceof Expr.Call call)) throw error("expected a call", at);
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endcall"));
        next();
        expectBlockEnd();
        return new Node.CallBlock(call, params, body);
    }

    private Node parseFilterBlock() {
        var filters = new ArrayList<Expr.Filter>();
        filters.add(parseOneFilter(null));
        if (current().isOp("|")) filters.addAll(parseFilterChain());
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endfilter"));
        next();
        expectBlockEnd();
        return new Node.FilterBlock(filters, body);
    }

    private Node parseWith() {
        var targets = new ArrayList<Expr>();
        var values = new ArrayList<Expr>();
        while (current().kind() != Kind.BLOCK_END) {
            if (!targets.isEmpty()) expect(Kind.OP, ",");
            targets.add(parseAssignTarget(false));
            expect(Kind.OP, "=");
            values.add(parseExpression(true));
        }
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endwith"));
        next();
        expectBlockEnd();
        return new Node.With(targets, values, body);
    }

    /**
     * transformers' {@code {% generation %}...{% endgeneration %}} (its AssistantTracker extension, which marks the
     * assistant's tokens for training masks): for rendering, a block with its own scope.
     */
    private Node parseGeneration() {
        expectBlockEnd();
        List<Node> body = subparse(Set.of("endgeneration"));
        next();
        expectBlockEnd();
        return new Node.With(List.of(), List.of(), body);
    }

    private List<Expr.Filter> parseFilterChain() {
        var filters = new ArrayList<Expr.Filter>();
        while (current().isOp("|")) {
            next();
            filters.add(parseOneFilter(null));
        }
        return filters;
    }

    /** A name, {@code ns.attr} (when allowed) or a tuple of names, as assigned by set/for/with. */
    private Expr parseAssignTarget(boolean allowNamespace) {
        var names = new ArrayList<Expr>();
        while (true) {
            Token t = expect(Kind.NAME, null);
            if (allowNamespace && current().isOp(".")) {
                next();
                String attr = expect(Kind.NAME, null).text();
                return new Expr.GetAttr(new Expr.Name(t.text(), t.line()), attr, t.line());
            }
            names.add(new Expr.Name(t.text(), t.line()));
            if (!current().isOp(",")) break;
            next();
            if (current().kind() != Kind.NAME || current().isName("in")) break;
        }
        return names.size() == 1 && !tokens.get(pos - 1).isOp(",") ? names.getFirst() : new Expr.TupleLiteral(names);
    }

    // ---- expressions

    private boolean isTupleEnd(Set<String> extraEnd) {
        Token t = current();
        return switch (t.kind()) {
            case VAR_END, BLOCK_END, EOF -> true;
            case OP -> t.text().equals(")");
            case NAME -> extraEnd.contains(t.text());
            default -> false;
        };
    }

    /** Comma-separated expressions; one without a comma is itself, more make a tuple. */
    private Expr parseTuple(boolean withCondexpr, Set<String> extraEnd) {
        var items = new ArrayList<Expr>();
        boolean comma = false;
        while (true) {
            if (!items.isEmpty()) {
                if (!current().isOp(",")) break;
                next();
                comma = true;
            }
            if (isTupleEnd(extraEnd)) break;
            items.add(parseExpression(withCondexpr));
        }
        if (items.isEmpty() && !comma) throw error("expected an expression, got " + current(), current());
        return items.size() == 1 && !comma ? items.getFirst() : new Expr.TupleLiteral(items);
    }

    private Expr parseExpression(boolean withCondexpr) {
        return withCondexpr ? parseCondexpr() : parseOr();
    }

    private Expr parseCondexpr() {
        Expr e = parseOr();
        while (current().isName("if")) {
            next();
            Expr test = parseOr();
            Expr orElse = null;
            if (current().isName("else")) {
                next();
                orElse = parseCondexpr();
            }
            e = new Expr.Conditional(test, e, orElse);
        }
        return e;
    }

    private Expr parseOr() {
        Expr e = parseAnd();
        while (current().isName("or")) {
            next();
            e = new Expr.Or(e, parseAnd());
        }
        return e;
    }

    private Expr parseAnd() {
        Expr e = parseNot();
        while (current().isName("and")) {
            next();
            e = new Expr.And(e, parseNot());
        }
        return e;
    }

    private Expr parseNot() {
        if (current().isName("not")) {
            Token t = next();
            return new Expr.Unary("not", parseNot(), t.line());
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        int line = current().line();
        Expr first = parseMath1();
        var ops = new ArrayList<String>();
        var rest = new ArrayList<Expr>();
        while (true) {
            Token t = current();
            if (t.kind() == Kind.OP && COMPARE_OPS.contains(t.text())) {
                next();
                ops.add(t.text());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && peek(1).isName("in")) {
                next();
                next();
                ops.add("notin");
            } else {
                break;
            }
            rest.add(parseMath1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, rest, line);
    }

    private Expr parseMath1() {
        Expr e = parseConcat();
        while (current().isOp("+") || current().isOp("-")) {
            Token op = next();
            e = new Expr.Binary(op.text(), e, parseConcat(), op.line());
        }
        return e;
    }

    private Expr parseConcat() {
        Expr e = parseMath2();
        while (current().isOp("~")) {
            Token op = next();
            e = new Expr.Binary("~", e, parseMath2(), op.line());
        }
        return e;
    }

    private Expr parseMath2() {
        Expr e = parsePow();
        while (current().isOp("*") || current().isOp("/") || current().isOp("//") || current().isOp("%")) {
            Token op = next();
            e = new Expr.Binary(op.text(), e, parsePow(), op.line());
        }
        return e;
    }

    private Expr parsePow() {
        Expr e = parseUnary(true);
        while (current().isOp("**")) {
            Token op = next();
            e = new Expr.Binary("**", e, parseUnary(true), op.line());
        }
        return e;
    }

    private Expr parseUnary(boolean withFilter) {
        Token t = current();
        Expr e;
        if (t.isOp("-") || t.isOp("+")) {
            next();
            e = new Expr.Unary(t.text(), parseUnary(false), t.line());
        } else {
            e = parsePrimary();
        }
        e = parsePostfix(e);
        return withFilter ? parseFilterExpr(e) : e;
    }

    private Expr parsePrimary() {
        Token t = next();
        return switch (t.kind()) {
            case NAME -> switch (t.text()) {
                case "true", "True" -> new Expr.Literal(Boolean.TRUE);
                case "false", "False" -> new Expr.Literal(Boolean.FALSE);
                case "none", "None" -> new Expr.Literal(null);
                default -> new Expr.Name(t.text(), t.line());
            };
            case STRING -> {
                var sb = new StringBuilder(t.text());
                while (current().kind() == Kind.STRING) sb.append(next().text()); // "a" "b" is "ab"
                yield new Expr.Literal(sb.toString());
            }
            case INT -> new Expr.Literal(integer(t));
            case FLOAT -> new Expr.Literal(Double.parseDouble(t.text()));
            case OP -> switch (t.text()) {
                case "(" -> {
                    if (current().isOp(")")) {
                        next();
                        yield new Expr.TupleLiteral(List.of());
                    }
                    Expr inner = parseTuple(true, Set.of());
                    expect(Kind.OP, ")");
                    yield inner;
                }
                case "[" -> {
                    var items = new ArrayList<Expr>();
                    while (!current().isOp("]")) {
                        if (!items.isEmpty()) expect(Kind.OP, ",");
                        if (current().isOp("]")) break;
                        items.add(parseExpression(true));
                    }
                    next();
                    yield new Expr.ListLiteral(items);
                }
                case "{" -> {
                    var keys = new ArrayList<Expr>();
                    var values = new ArrayList<Expr>();
                    while (!current().isOp("}")) {
                        if (!keys.isEmpty()) expect(Kind.OP, ",");
                        if (current().isOp("}")) break;
                        keys.add(parseExpression(true));
                        expect(Kind.OP, ":");
                        values.add(parseExpression(true));
                    }
                    next();
                    yield new Expr.DictLiteral(keys, values);
                }
                default -> throw error("unexpected " + t, t);
            };
            default -> throw error("unexpected " + t, t);
        };
    }

    private long integer(Token t) {
        try {
            return Long.parseLong(t.text());
        } catch (NumberFormatException e) {
            throw error("integer literal too large (beyond 64 bits): " + t.text(), t);
        }
    }

    private Expr parsePostfix(Expr e) {
        while (true) {
            Token t = current();
            if (t.isOp(".")) {
                next();
                Token attr = next();
                if (attr.kind() == Kind.NAME) e = new Expr.GetAttr(e, attr.text(), attr.line());
                else if (attr.kind() == Kind.INT) e = new Expr.GetItem(e, new Expr.Literal(integer(attr)), attr.line());
                else throw error("expected name or number after '.', got " + attr, attr);
            } else if (t.isOp("[")) {
                next();
                Expr index = parseSubscript();
                expect(Kind.OP, "]");
                e = new Expr.GetItem(e, index, t.line());
            } else if (t.isOp("(")) {
                e = parseCall(e);
            } else {
                return e;
            }
        }
    }

    private Expr parseSubscript() {
        Expr start = null;
        if (!current().isOp(":")) {
            start = parseExpression(true);
            if (!current().isOp(":")) return start;
        }
        next();
        Expr stop = null;
        Expr step = null;
        if (!current().isOp("]") && !current().isOp(":")) stop = parseExpression(true);
        if (current().isOp(":")) {
            next();
            if (!current().isOp("]")) step = parseExpression(true);
        }
        return new Expr.Slice(start, stop, step);
    }

    private record Args(List<Expr> args, List<Expr.Kwarg> kwargs) {}

    private Args parseArgs() {
        expect(Kind.OP, "(");
        var args = new ArrayList<Expr>();
        var kwargs = new ArrayList<Expr.Kwarg>();
        boolean first = true;
        while (!current().isOp(")")) {
            if (!first) expect(Kind.OP, ",");
            first = false;
            if (current().isOp(")")) break;
            if (current().isOp("*") || current().isOp("**")) throw error("*args and **kwargs calls are not supported", current());
            if (current().kind() == Kind.NAME && peek(1).isOp("=")) {
                String name = next().text();
                next();
                kwargs.add(new Expr.Kwarg(name, parseExpression(true)));
            } else {
                if (!kwargs.isEmpty()) throw error("positional argument after keyword argument", current());
                args.add(parseExpression(true));
            }
        }
        next();
        return new Args(args, kwargs);
    }

    private Expr parseCall(Expr fn) {
        int line = current().line();
        Args a = parseArgs();
        return new Expr.Call(fn, a.args(), a.kwargs(), line);
    }

    private Expr parseFilterExpr(Expr e) {
        while (true) {
            Token t = current();
            if (t.isOp("|")) {
                next();
                e = parseOneFilter(e);
            } else if (t.isName("is")) {
                next();
                e = parseTest(e, t);
            } else if (t.isOp("(")) {
                e = parseCall(e);
            } else {
                return e;
            }
        }
    }

    private String dottedName() {
        var sb = new StringBuilder(expect(Kind.NAME, null).text());
        while (current().isOp(".")) {
            next();
            sb.append('.').append(expect(Kind.NAME, null).text());
        }
        return sb.toString();
    }

    private Expr.Filter parseOneFilter(Expr value) {
        int line = current().line();
        String name = dottedName();
        Args a = current().isOp("(") ? parseArgs() : new Args(List.of(), List.of());
        return new Expr.Filter(value, name, a.args(), a.kwargs(), line);
    }

    private Expr parseTest(Expr value, Token at) {
        boolean negated = false;
        if (current().isName("not")) {
            next();
            negated = true;
        }
        String name = dottedName();
        List<Expr> args = List.of();
        Token t = current();
        if (t.isOp("(")) {
            Args a = parseArgs();
            args = a.args();
        } else if ((t.kind() == Kind.NAME || t.kind() == Kind.STRING || t.kind() == Kind.INT || t.kind() == Kind.FLOAT
                        || t.isOp("(") || t.isOp("[") || t.isOp("{"))
                && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            if (t.isName("is")) throw error("you cannot chain multiple tests with is", t);
            args = List.of(parsePostfix(parsePrimary())); // Jinja: `x is divisibleby 3`
        }
        return new Expr.Test(value, name, args, negated, at.line());
    }
}
