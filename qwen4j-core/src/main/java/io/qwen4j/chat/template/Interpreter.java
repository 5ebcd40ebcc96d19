package io.qwen4j.chat.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a parsed template. Scopes follow Jinja2: {@code for}, macros and {@code with} open a scope whose
 * {@code set}s do not leak out (hence {@code namespace()}), {@code if} does not. Values follow {@link Py}.
 * User data is only ever a value here: nothing a variable holds is parsed as template source.
 */
final class Interpreter {
    /** Jinja's SandboxedEnvironment refuses these: they would change the caller's data. */
    private static final java.util.Set<String> MUTATING_METHODS = java.util.Set.of(
            "append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "sort", "reverse",
            "add", "discard");

    private final Map<String, Object> globals;

    Interpreter(Map<String, Object> globals) {
        this.globals = globals;
    }

    static final class Scope {
        final Map<String, Object> vars = new HashMap<>();
        final Scope parent;

        Scope(Scope parent) {
            this.parent = parent;
        }
    }

    private enum Flow { NORMAL, BREAK, CONTINUE }

    String render(List<Node> template) {
        var out = new StringBuilder();
        exec(template, new Scope(null), out);
        return out.toString();
    }

    // ---- statements

    private Flow exec(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node node : nodes) {
            Flow flow = exec(node, scope, out);
            if (flow != Flow.NORMAL) return flow;
        }
        return Flow.NORMAL;
    }

    private Flow exec(Node node, Scope scope, StringBuilder out) {
        switch (node) {
            case Node.Text t -> out.append(t.text());
            case Node.Output o -> out.append(Py.str(eval(o.expr(), scope)));
            case Node.If i -> {
                for (int k = 0; k < i.tests().size(); k++) {
                    if (Py.truthy(eval(i.tests().get(k), scope))) return exec(i.bodies().get(k), scope, out);
                }
                return exec(i.orElse(), scope, out);
            }
            case Node.For f -> execFor(f, scope, out);
            case Node.Set s -> assign(s.target(), eval(s.value(), scope), scope, s.line());
            case Node.SetBlock s -> {
                var body = new StringBuilder();
                exec(s.body(), new Scope(scope), body);
                assign(s.target(), applyFilters(s.filters(), body.toString(), scope), scope, s.line());
            }
            case Node.Macro m -> scope.vars.put(m.name(), macro(m.name(), m.params(), m.body(), scope));
            case Node.CallBlock c -> {
                PyCallable caller = macro("caller", c.params(), c.body(), scope);
                Object fn = eval(c.call().fn(), scope);
                var kwargs = evalKwargs(c.call().kwargs(), scope);
                kwargs.put("caller", caller);
                out.append(Py.str(call(fn, evalArgs(c.call().args(), scope), kwargs, c.call().line())));
            }
            case Node.FilterBlock f -> {
                var body = new StringBuilder();
                exec(f.body(), scope, body);
                out.append(Py.str(applyFilters(f.filters(), body.toString(), scope)));
            }
            case Node.With w -> {
                var inner = new Scope(scope);
                for (int k = 0; k < w.targets().size(); k++) assign(w.targets().get(k), eval(w.values().get(k), scope), inner, 0);
                return exec(w.body(), inner, out);
            }
            case Node.Break b -> {
                return Flow.BREAK;
            }
            case Node.Continue c -> {
                return Flow.CONTINUE;
            }
        }
        return Flow.NORMAL;
    }

    private void execFor(Node.For f, Scope scope, StringBuilder out) {
        Object iterable = eval(f.iterable(), scope);
        List<Object> items;
        try {
            items = Py.iterate(iterable);
        } catch (TemplateException e) {
            throw at(e, f.line());
        }
        var loopScope = new Scope(scope);
        if (f.filter() != null) { // loop.length and friends count only the items that pass the inline if
            var kept = new ArrayList<>();
            for (Object item : items) {
                assign(f.target(), item, loopScope, f.line());
                if (Py.truthy(eval(f.filter(), loopScope))) kept.add(item);
            }
            items = kept;
        }
        for (int i = 0; i < items.size(); i++) {
            var iteration = new Scope(scope); // Jinja: what a body sets lasts one iteration
            assign(f.target(), items.get(i), iteration, f.line());
            iteration.vars.put("loop", new Loop(items, i));
            if (exec(f.body(), iteration, out) == Flow.BREAK) break;
        }
        if (items.isEmpty()) exec(f.orElse(), scope, out);
    }

    private void assign(Expr target, Object value, Scope scope, int line) {
        switch (target) {
            case Expr.Name n -> scope.vars.put(n.name(), value);
            case Expr.TupleLiteral t -> {
                List<Object> values = Py.iterate(value);
                if (values.size() != t.items().size()) {
                    throw new TemplateException("ValueError: cannot unpack " + values.size() + " values into "
                            + t.items().size() + " names (template line " + line + ")");
                }
                for (int i = 0; i < values.size(); i++) assign(t.items().get(i), values.get(i), scope, line);
            }
            case Expr.GetAttr a -> {
                if (!(eval(a.obj(), scope) instanceof Namespace ns)) {
                    throw new TemplateException("cannot assign attribute on non-namespace object (template line " + line + ")");
                }
                ns.attributes.put(a.attr(), value);
            }
            default -> throw new TemplateException("cannot assign to " + target + " (template line " + line + ")");
        }
    }

    private PyCallable macro(String name, List<Node.Param> params, List<Node> body, Scope definedIn) {
        return (args, kwargs) -> {
            var scope = new Scope(definedIn);
            var rest = new LinkedHashMap<>(kwargs);
            for (int i = 0; i < params.size(); i++) {
                Node.Param p = params.get(i);
                Object v;
                if (i < args.size()) v = args.get(i);
                else if (rest.containsKey(p.name())) v = rest.remove(p.name());
                else if (p.defaultValue() != null) v = eval(p.defaultValue(), scope);
                else v = new Undefined("parameter '" + p.name() + "' was not provided");
                scope.vars.put(p.name(), v);
            }
            if (rest.containsKey("caller")) scope.vars.put("caller", rest.remove("caller"));
            scope.vars.put("varargs", Tuple.of(args.size() > params.size() ? args.subList(params.size(), args.size()) : List.of()));
            scope.vars.put("kwargs", new LinkedHashMap<Object, Object>(rest));
            var out = new StringBuilder();
            exec(body, scope, out);
            return out.toString();
        };
    }

    // ---- expressions

    Object eval(Expr expr, Scope scope) {
        return switch (expr) {
            case Expr.Literal l -> l.value();
            case Expr.Name n -> lookup(n.name(), scope);
            case Expr.GetAttr a -> {
                Object obj = eval(a.obj(), scope);
                if (obj instanceof Undefined u) throw at(u.fail(), a.line());
                yield getattr(obj, a.attr());
            }
            case Expr.GetItem g -> {
                Object obj = eval(g.obj(), scope);
                if (obj instanceof Undefined u) throw at(u.fail(), g.line());
                try {
                    if (g.index() instanceof Expr.Slice s) {
                        yield slice(obj, evalOrNull(s.start(), scope), evalOrNull(s.stop(), scope), evalOrNull(s.step(), scope));
                    }
                    yield getitem(obj, eval(g.index(), scope));
                } catch (TemplateException e) {
                    throw at(e, g.line());
                }
            }
            case Expr.Slice s -> throw new TemplateException("a slice is only valid inside []");
            case Expr.Call c -> call(eval(c.fn(), scope), evalArgs(c.args(), scope), evalKwargs(c.kwargs(), scope), c.line());
            case Expr.Filter f -> {
                try {
                    yield Filters.filter(this, f.name(), eval(f.value(), scope), evalArgs(f.args(), scope), evalKwargs(f.kwargs(), scope));
                } catch (TemplateException e) {
                    throw at(e, f.line());
                }
            }
            case Expr.Test t -> {
                try {
                    boolean r = Filters.test(this, t.name(), eval(t.value(), scope), evalArgs(t.args(), scope));
                    yield r != t.negated();
                } catch (TemplateException e) {
                    throw at(e, t.line());
                }
            }
            case Expr.Binary b -> {
                Object l = eval(b.left(), scope);
                Object r = eval(b.right(), scope);
                try {
                    yield b.op().equals("~") ? Py.str(l) + Py.str(r) : Arithmetic.apply(b.op(), l, r);
                } catch (TemplateException e) {
                    throw at(e, b.line());
                }
            }
            case Expr.Unary u -> {
                Object v = eval(u.operand(), scope);
                if (u.op().equals("not")) yield !Py.truthy(v);
                try {
                    yield Arithmetic.unary(u.op(), v);
                } catch (TemplateException e) {
                    throw at(e, u.line());
                }
            }
            case Expr.And a -> {
                Object l = eval(a.left(), scope);
                yield Py.truthy(l) ? eval(a.right(), scope) : l;
            }
            case Expr.Or o -> {
                Object l = eval(o.left(), scope);
                yield Py.truthy(l) ? l : eval(o.right(), scope);
            }
            case Expr.Compare c -> {
                Object left = eval(c.first(), scope);
                try {
                    for (int i = 0; i < c.ops().size(); i++) {
                        Object right = eval(c.rest().get(i), scope);
                        if (!compare(c.ops().get(i), left, right)) yield false;
                        left = right;
                    }
                } catch (TemplateException e) {
                    throw at(e, c.line());
                }
                yield true;
            }
            case Expr.Conditional c -> {
                if (Py.truthy(eval(c.test(), scope))) yield eval(c.then(), scope);
                yield c.orElse() == null ? new Undefined("the conditional expression had no else") : eval(c.orElse(), scope);
            }
            case Expr.ListLiteral l -> evalArgs(l.items(), scope);
            case Expr.TupleLiteral t -> Tuple.of(evalArgs(t.items(), scope));
            case Expr.DictLiteral d -> {
                var map = new LinkedHashMap<Object, Object>();
                for (int i = 0; i < d.keys().size(); i++) map.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                yield map;
            }
        };
    }

    private static TemplateException at(TemplateException e, int line) {
        if (e instanceof TemplateException.Raised || line <= 0 || e.getMessage().contains("(template line ")) return e;
        return new TemplateException(e.getMessage() + " (template line " + line + ")");
    }

    private Object evalOrNull(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private List<Object> evalArgs(List<Expr> exprs, Scope scope) {
        var values = new ArrayList<>(exprs.size());
        for (Expr e : exprs) values.add(eval(e, scope));
        return values;
    }

    private Map<String, Object> evalKwargs(List<Expr.Kwarg> kwargs, Scope scope) {
        var values = new LinkedHashMap<String, Object>();
        for (var k : kwargs) values.put(k.name(), eval(k.value(), scope));
        return values;
    }

    private Object lookup(String name, Scope scope) {
        for (Scope s = scope; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) return s.vars.get(name);
        }
        if (globals.containsKey(name)) return globals.get(name);
        return Undefined.name(name);
    }

    Object call(Object fn, List<Object> args, Map<String, Object> kwargs, int line) {
        if (fn instanceof Undefined u) throw at(u.fail(), line);
        if (!(fn instanceof PyCallable c)) throw at(Py.typeError("'" + Py.typeName(fn) + "' object is not callable"), line);
        try {
            return c.call(args, kwargs);
        } catch (TemplateException e) {
            throw at(e, line);
        }
    }

    private Object applyFilters(List<Expr.Filter> filters, Object value, Scope scope) {
        for (Expr.Filter f : filters) {
            value = Filters.filter(this, f.name(), value, evalArgs(f.args(), scope), evalKwargs(f.kwargs(), scope));
        }
        return value;
    }

    private static boolean compare(String op, Object a, Object b) {
        return switch (op) {
            case "==" -> Py.eq(a, b);
            case "!=" -> !Py.eq(a, b);
            case "<" -> Py.compare(a, b, op) < 0;
            case ">" -> Py.compare(a, b, op) > 0;
            case "<=" -> Py.compare(a, b, op) <= 0;
            case ">=" -> Py.compare(a, b, op) >= 0;
            case "in" -> Py.contains(b, a);
            case "notin" -> !Py.contains(b, a);
            default -> throw new IllegalStateException(op);
        };
    }

    // ---- attribute and item access (Jinja's Environment.getattr / getitem, sandboxed)

    /** {@code obj.name}: a Python attribute (a method) first, then the item. */
    static Object getattr(Object obj, String name) {
        if (obj instanceof Undefined u) throw u.fail();
        if (obj == null) return Undefined.attribute(null, name);
        if (obj instanceof Map<?, ?> || obj instanceof List<?> || obj instanceof String) {
            if (MUTATING_METHODS.contains(name) && !(obj instanceof String)) {
                return new Undefined("access to attribute '" + name + "' of '" + Py.typeName(obj) + "' object is unsafe");
            }
            if (Methods.has(obj, name)) return (PyCallable) (args, kwargs) -> Methods.call(obj, name, args, kwargs);
        }
        return switch (obj) {
            case Map<?, ?> m -> m.containsKey(name) ? m.get(name) : Undefined.attribute(obj, name);
            case Namespace ns -> ns.attributes.containsKey(name) ? ns.attributes.get(name) : Undefined.attribute(obj, name);
            case Loop l -> l.attribute(name);
            default -> Undefined.attribute(obj, name);
        };
    }

    /** {@code obj[key]}: the item first, then (for a string key) the attribute. */
    static Object getitem(Object obj, Object key) {
        if (obj instanceof Undefined u) throw u.fail();
        if (obj == null) return Undefined.attribute(null, key);
        switch (obj) {
            case Map<?, ?> m -> {
                if (m.containsKey(key)) return m.get(key);
                if (Py.isNumber(key)) {
                    for (var e : m.entrySet()) if (Py.eq(e.getKey(), key)) return e.getValue();
                }
            }
            case List<?> l when Py.isInt(key) -> {
                long i = Py.toLong(key);
                if (i < 0) i += l.size();
                return i >= 0 && i < l.size() ? l.get((int) i) : new Undefined(Py.typeName(obj) + " index out of range");
            }
            case String s when Py.isInt(key) -> {
                int n = s.codePointCount(0, s.length());
                long i = Py.toLong(key);
                if (i < 0) i += n;
                if (i < 0 || i >= n) return new Undefined("string index out of range");
                int at = s.offsetByCodePoints(0, (int) i);
                return Character.toString(s.codePointAt(at));
            }
            default -> {}
        }
        if (key instanceof String name) return getattr(obj, name);
        return Undefined.attribute(obj, key);
    }

    /** Python slicing ({@code PySlice_AdjustIndices}) on lists, tuples and strings. */
    static Object slice(Object obj, Object startV, Object stopV, Object stepV) {
        List<Object> items;
        boolean string = obj instanceof String;
        if (obj instanceof String s) items = Py.iterate(s);
        else if (obj instanceof List<?> l) items = new ArrayList<>(l);
        else if (obj instanceof Map<?, ?>) throw Py.typeError("unhashable type: 'slice'");
        else throw Py.typeError("'" + Py.typeName(obj) + "' object is not subscriptable"); // slices bypass Jinja's getitem
        long step = stepV == null ? 1 : sliceIndex(stepV);
        if (step == 0) throw new TemplateException("ValueError: slice step cannot be zero");
        long n = items.size();
        long lower = step < 0 ? -1 : 0;
        long upper = step < 0 ? n - 1 : n;
        long start = startV == null ? (step < 0 ? upper : lower) : clamp(sliceIndex(startV), n, lower, upper);
        long stop = stopV == null ? (step < 0 ? lower : upper) : clamp(sliceIndex(stopV), n, lower, upper);
        var result = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) result.add(items.get((int) i));
        if (string) {
            var sb = new StringBuilder();
            for (Object c : result) sb.append((String) c);
            return sb.toString();
        }
        return obj instanceof Tuple ? Tuple.of(result) : result;
    }

    private static long sliceIndex(Object v) {
        if (!Py.isInt(v)) throw Py.typeError("slice indices must be integers or None");
        return Py.toLong(v);
    }

    private static long clamp(long i, long n, long lower, long upper) {
        if (i < 0) i += n;
        return i < lower ? lower : Math.min(i, upper);
    }

    /** The {@code loop} variable of a for loop. */
    static final class Loop {
        private final List<Object> items;
        private final int index;

        Loop(List<Object> items, int index) {
            this.items = items;
            this.index = index;
        }

        Object attribute(String name) {
            int n = items.size();
            return switch (name) {
                case "index" -> (long) index + 1;
                case "index0" -> (long) index;
                case "revindex" -> (long) (n - index);
                case "revindex0" -> (long) (n - index - 1);
                case "first" -> index == 0;
                case "last" -> index == n - 1;
                case "length" -> (long) n;
                case "depth" -> 1L;
                case "depth0" -> 0L;
                case "previtem" -> index > 0 ? items.get(index - 1) : new Undefined("there is no previous item");
                case "nextitem" -> index < n - 1 ? items.get(index + 1) : new Undefined("there is no next item");
                case "cycle" -> (PyCallable) (args, kwargs) -> {
                    if (args.isEmpty()) throw Py.typeError("no items for cycling given");
                    return args.get(index % args.size());
                };
                default -> Undefined.attribute(this, name);
            };
        }

        @Override
        public String toString() {
            return "<LoopContext " + (index + 1) + "/" + items.size() + ">";
        }
    }
}
