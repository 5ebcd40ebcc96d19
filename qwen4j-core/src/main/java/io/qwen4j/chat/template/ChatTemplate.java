package io.qwen4j.chat.template;

import io.qwen4j.chat.ChatMessage;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template (Jinja2), rendered the way transformers' {@code apply_chat_template(tokenize=False)}
 * does: Jinja2 with {@code trim_blocks} and {@code lstrip_blocks}, the loop-control extension, a sandbox that
 * refuses to mutate inputs, {@code tojson} as {@code json.dumps(ensure_ascii=False)}, and the globals
 * {@code raise_exception(msg)} and {@code strftime_now(fmt)}.
 *
 * <pre>{@code
 * var template = ChatTemplate.parse(source).withSpecialTokens(null, "<|im_end|>");
 * String prompt = template.render(messages, tools, true, Map.of("enable_thinking", false));
 * }</pre>
 *
 * Message contents are data: they are printed as they are and never parsed as template source.
 * A parsed template is immutable and safe to render from many threads.
 */
public final class ChatTemplate {
    private final List<Node> template;
    private final Map<String, Object> specialTokens;
    private final Clock clock;

    private ChatTemplate(List<Node> template, Map<String, Object> specialTokens, Clock clock) {
        this.template = template;
        this.specialTokens = specialTokens;
        this.clock = clock;
    }

    /** Parses a template; a syntax error is a {@link TemplateException} naming the problem and line. */
    public static ChatTemplate parse(String source) {
        try {
            return new ChatTemplate(Parser.parse(source), Map.of(), Clock.systemDefaultZone());
        } catch (StackOverflowError e) {
            throw new TemplateException("template nesting too deep to parse");
        }
    }

    /** Provides {@code bos_token} and {@code eos_token} to the template (null ones stay undefined). */
    public ChatTemplate withSpecialTokens(String bosToken, String eosToken) {
        var tokens = new HashMap<String, Object>();
        if (bosToken != null) tokens.put("bos_token", bosToken);
        if (eosToken != null) tokens.put("eos_token", eosToken);
        return new ChatTemplate(template, Map.copyOf(tokens), clock);
    }

    /** The clock {@code strftime_now} reads (the system's by default). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(template, specialTokens, clock);
    }

    /**
     * Renders the prompt.
     *
     * @param messages            OpenAI-style messages: role, content (string, null, or a list of parts),
     *                            reasoning_content, tool_calls, tool_call_id, name
     * @param tools               tool (function) schemas, or null for none
     * @param addGenerationPrompt whether to open the assistant's turn
     * @param kwargs              further template variables, e.g. {@code enable_thinking}
     * @throws TemplateException         when the template fails (a {@link TemplateException.Raised} for its own
     *                                   {@code raise_exception})
     */
    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools, boolean addGenerationPrompt,
            Map<String, Object> kwargs) {
        var vars = new HashMap<String, Object>(specialTokens);
        if (kwargs != null) kwargs.forEach((k, v) -> vars.put(k, toValue(v, k)));
        vars.put("messages", toValue(messages, "messages"));
        vars.put("tools", toValue(tools, "tools"));
        vars.putIfAbsent("documents", null);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("raise_exception", (PyCallable) (args, kw) -> {
            throw new TemplateException.Raised(args.isEmpty() ? "" : Py.str(args.getFirst()));
        });
        vars.put("strftime_now", (PyCallable) (args, kw) -> Strftime.format(Py.str(args.isEmpty() ? "" : args.getFirst()), clock));
        vars.put("range", (PyCallable) (args, kw) -> range(args));
        vars.put("namespace", (PyCallable) (args, kw) -> {
            var ns = new Namespace();
            for (Object a : args) if (a instanceof Map<?, ?> m) m.forEach((k, v) -> ns.attributes.put(Py.str(k), v));
            ns.attributes.putAll(kw);
            return ns;
        });
        vars.put("dict", (PyCallable) (args, kw) -> new LinkedHashMap<Object, Object>(kw));
        try {
            return new Interpreter(vars).render(template);
        } catch (StackOverflowError e) { // a macro that calls itself without end
            throw new TemplateException("template recursion too deep");
        }
    }

    /** Renders typed messages (see {@link #toTemplateMessage}). */
    public String renderMessages(List<ChatMessage> messages, List<Map<String, Object>> tools, boolean addGenerationPrompt,
            Map<String, Object> kwargs) {
        return render(messages.stream().map(ChatTemplate::toTemplateMessage).toList(), tools, addGenerationPrompt, kwargs);
    }

    /**
     * A message as transformers callers pass it: only the fields that are set, tool calls in OpenAI's shape.
     * A null content (a turn that only calls tools) becomes "": Qwen3's template string-tests it with {@code in}
     * and fails on None, while the other Qwen templates treat "" and None alike (llama.cpp does the same for
     * templates that need non-null content).
     */
    public static Map<String, Object> toTemplateMessage(ChatMessage m) {
        var map = new LinkedHashMap<String, Object>();
        map.put("role", m.role());
        map.put("content", m.content() == null ? "" : m.content());
        if (m.reasoningContent() != null) map.put("reasoning_content", m.reasoningContent());
        if (!m.toolCalls().isEmpty()) {
            var calls = new ArrayList<Object>();
            for (var call : m.toolCalls()) {
                var fn = new LinkedHashMap<String, Object>();
                fn.put("name", call.name());
                fn.put("arguments", call.arguments() == null ? Map.of() : call.arguments());
                var c = new LinkedHashMap<String, Object>();
                if (call.id() != null) c.put("id", call.id());
                c.put("type", "function");
                c.put("function", fn);
                calls.add(c);
            }
            map.put("tool_calls", calls);
        }
        if (m.toolCallId() != null) map.put("tool_call_id", m.toolCallId());
        if (m.name() != null) map.put("name", m.name());
        return map;
    }

    private static Object range(List<Object> args) {
        if (args.isEmpty() || args.size() > 3 || !args.stream().allMatch(Py::isInt)) {
            throw Py.typeError("range expects 1 to 3 integer arguments");
        }
        long start = args.size() > 1 ? Py.toLong(args.get(0)) : 0;
        long stop = Py.toLong(args.get(args.size() > 1 ? 1 : 0));
        long step = args.size() > 2 ? Py.toLong(args.get(2)) : 1;
        if (step == 0) throw new TemplateException("ValueError: range() arg 3 must not be zero");
        if ((stop - start) / step > 100_000) throw new TemplateException("range too big (at most 100000 items)"); // Jinja's sandbox limit
        var out = new ArrayList<Object>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) out.add(i);
        return out;
    }

    /** Copies caller data into template values (Long ints, Double floats, List, LinkedHashMap), naming what does not fit. */
    static Object toValue(Object v, String where) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Double d -> d;
            case Float f -> Double.parseDouble(f.toString());
            case BigInteger b -> {
                if (b.bitLength() > 63) throw new TemplateException(where + ": integer " + b + " does not fit in 64 bits");
                yield b.longValue();
            }
            case BigDecimal b -> b.doubleValue();
            case Character c -> c.toString();
            case ChatMessage m -> toValue(toTemplateMessage(m), where);
            case Map<?, ?> m -> {
                var out = new LinkedHashMap<Object, Object>();
                for (var e : m.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    out.put(toValue(e.getKey(), where), toValue(e.getValue(), where + "." + key));
                }
                yield out;
            }
            case Collection<?> c -> {
                var out = new ArrayList<Object>(c.size());
                int i = 0;
                for (Object x : c) out.add(toValue(x, where + "[" + i++ + "]"));
                yield out;
            }
            case Object[] a -> toValue(List.of(a), where);
            default -> throw new TemplateException(where + ": unsupported value type " + v.getClass().getName());
        };
    }
}
