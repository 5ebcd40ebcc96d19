package io.qwen4j.chat.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.parse.OutputEvent.ContentDelta;
import io.qwen4j.chat.parse.OutputEvent.ReasoningDelta;
import io.qwen4j.chat.parse.OutputEvent.ToolCallArgumentsDelta;
import io.qwen4j.chat.parse.OutputEvent.ToolCallEnd;
import io.qwen4j.chat.parse.OutputEvent.ToolCallStart;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Splits a Qwen model's generated text, as it streams in, into content, reasoning and tool calls.
 *
 * <pre>{@code
 * var parser = new OutputParser(OutputParserOptions.withTools(true, Map.of("get_weather", parametersSchema)));
 * for (String delta : detokenizedDeltas) send(parser.feed(delta));   // any split, even inside a tag
 * send(parser.flush());                                              // end of generation: held-back text, open calls
 * ParsedOutput message = parser.finish();                            // content, reasoning, tool calls
 * }</pre>
 *
 * <p>Reasoning is {@code <think>...</think>} at the start of the output (or the output's beginning up to the first
 * {@code </think>} when the prompt opened the block). Tool calls are {@code <tool_call>...</tool_call>} blocks in
 * either Qwen format, recognised by what follows the tag: Hermes JSON ({@code {"name": ..., "arguments": {...}}},
 * Qwen2.5 and Qwen3) or XML ({@code <function=NAME><parameter=P>value</parameter></function>}, Qwen3-Coder and
 * Qwen3.5); with tools declared, a {@code <function=NAME>} of a declared tool that the model wrote without the
 * {@code <tool_call>} around it is a call too. docs/decisions/0003-output-parsing.md gives the conventions, the drifts
 * accepted, and where they come from. Model output never makes it throw.
 *
 * <p>The events depend only on the text, never on how it was split: text that may still become a tag is held back
 * until the next delta settles it, and nothing else is. Not thread-safe: one parser per generation.
 */
public final class OutputParser {
    private static final String THINK_OPEN = "<think>", THINK_CLOSE = "</think>";
    private static final String CALL_OPEN = "<tool_call>", CALL_CLOSE = "</tool_call>";
    private static final String FUNCTION_OPEN = "<function=", FUNCTION_CLOSE = "</function>";
    private static final String PARAMETER_OPEN = "<parameter=", PARAMETER_CLOSE = "</parameter>";
    private static final String NAME_KEY = "\"name\"", ARGUMENTS_KEY = "\"arguments\"";
    /** Longer function or parameter names are not names: the text is treated as malformed, so it cannot pile up. */
    static final int MAX_NAME_LENGTH = 256;

    private enum State {
        /** Nothing but whitespace yet: a {@code <think>} here opens reasoning. */
        START,
        REASONING,
        CONTENT,
        /** After {@code <tool_call>}: which format follows? */
        CALL_OPENED,
        /** Hermes: reading {@code {"name": "...", "arguments": } before the arguments stream. */
        HERMES_HEADER,
        /** Hermes: the arguments object, passed through as it arrives. */
        HERMES_ARGUMENTS,
        /** Hermes: after the arguments, up to {@code </tool_call>}. */
        HERMES_TAIL,
        /** Hermes in another shape (keys reordered, arguments as a string): parsed whole at {@code </tool_call>}. */
        HERMES_BUFFERED,
        XML_FUNCTION_NAME,
        /** XML: between parameters. */
        XML_BODY,
        XML_PARAMETER_NAME,
        XML_VALUE,
        /** XML: after {@code </function>}, another function or {@code </tool_call>}. */
        XML_AFTER_FUNCTION
    }

    private final OutputParserOptions options;
    private final StringBuilder buf = new StringBuilder(); // unread text starts at pos
    private int pos;
    private boolean ended;
    private State state;

    private final List<OutputEvent> events = new ArrayList<>();
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<CallBuilder> calls = new ArrayList<>();

    // Reasoning: leading whitespace is dropped, trailing whitespace held until text follows (llama.cpp strips both).
    private boolean reasoningStarted;
    private final StringBuilder reasoningSpaces = new StringBuilder();
    // Content: whitespace right after </think> or </tool_call> is dropped (llama.cpp's consume_spaces).
    private boolean skipContentSpaces;

    // The current call. `raw` is its text so far while it may still turn out not to be a call (then it is content).
    private StringBuilder raw;
    private boolean callFromReasoning;
    // The call began with <function= and no <tool_call> (Qwen3-Coder/Qwen3.5 drift): only declared names are calls.
    private boolean bareFunction;
    private CallBuilder call;
    private final StringBuilder hermesBody = new StringBuilder();
    private int jsonDepth;
    private boolean inJsonString, jsonEscape;
    private JsonNode functionSchema;
    private String parameterName;
    private Set<ParameterTypes.Type> parameterTypes;
    private boolean streamingString, valueStarted, valueNewlineHeld;
    private final StringBuilder value = new StringBuilder();

    private boolean flushed;

    public OutputParser(OutputParserOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.state = options.startsInReasoning() ? State.REASONING : State.START;
    }

    /** Parses a whole output at once: the same result as feeding it in pieces. */
    public static ParsedOutput parse(String text, OutputParserOptions options) {
        var parser = new OutputParser(options);
        parser.feed(text);
        return parser.finish();
    }

    /** Feeds the next piece of generated text; returns the events it completes (possibly none). */
    public List<OutputEvent> feed(String delta) {
        if (delta == null) throw new IllegalArgumentException("OutputParser.feed: delta must not be null");
        if (flushed) throw new IllegalStateException("OutputParser.feed: the output already ended (flush was called)");
        buf.append(delta);
        run();
        return drain();
    }

    /** The output ended: releases held-back text and closes an unfinished tool call. Later calls return nothing. */
    public List<OutputEvent> flush() {
        if (flushed) return List.of();
        flushed = true;
        ended = true;
        run();
        closeOpenCall();
        return drain();
    }

    /** Flushes if not done yet and returns the whole output, split. */
    public ParsedOutput finish() {
        flush();
        var toolCalls = calls.stream().map(c -> new ToolCall(c.id, c.name, c.arguments.toString())).toList();
        return new ParsedOutput(content.toString(), reasoning.toString(), toolCalls);
    }

    private void run() {
        while (step()) {
            // each step consumes text or moves to another state
        }
        buf.delete(0, pos);
        pos = 0;
    }

    private List<OutputEvent> drain() {
        var out = List.copyOf(events);
        events.clear();
        return out;
    }

    /** One move of the state machine; false when it must wait for more text (or all text is read). */
    private boolean step() {
        return switch (state) {
            case START -> start();
            case REASONING -> reasoning();
            case CONTENT -> content();
            case CALL_OPENED -> callOpened();
            case HERMES_HEADER -> hermesHeader();
            case HERMES_ARGUMENTS -> hermesArguments();
            case HERMES_TAIL -> hermesTail();
            case HERMES_BUFFERED -> hermesBuffered();
            case XML_FUNCTION_NAME -> xmlFunctionName();
            case XML_BODY -> xmlBody();
            case XML_PARAMETER_NAME -> xmlParameterName();
            case XML_VALUE -> xmlValue();
            case XML_AFTER_FUNCTION -> xmlAfterFunction();
        };
    }

    // ---- reasoning and content

    private boolean start() {
        int i = skipSpaces(pos);
        if (i == buf.length()) {
            if (!ended) return false;
            state = State.CONTENT;
            return true;
        }
        if (startsWith(i, THINK_OPEN)) {
            pos = i + THINK_OPEN.length(); // whitespace before the block is dropped with it
            state = State.REASONING;
            return true;
        }
        if (!ended && isPartial(i, THINK_OPEN)) return false;
        state = State.CONTENT; // leading whitespace, if any, is content
        return true;
    }

    private boolean reasoning() {
        var tags = new ArrayList<String>(4);
        tags.add(THINK_CLOSE);
        // Qwen3.5 may open a tool call without closing </think> (vLLM's Qwen3ReasoningParser, llama.cpp's
        // Qwen3-Coder parser): <tool_call> ends reasoning too.
        if (options.toolsEnabled()) tags.add(CALL_OPEN);
        if (bareFunctions()) tags.add(FUNCTION_OPEN);
        // A template that opened <think> in the prompt, and a model that writes it again: skip the repeat (vLLM).
        if (!reasoningStarted) tags.add(THINK_OPEN);
        Scan scan = scan(pos, tags);
        int before = pos;
        addReasoning(buf.substring(pos, scan.end()));
        pos = scan.end();
        if (scan.tag() == null) return pos > before;
        pos += scan.tag().length();
        switch (scan.tag()) {
            case THINK_OPEN -> { if (reasoningStarted) addReasoning(THINK_OPEN); }
            case THINK_CLOSE -> {
                reasoningSpaces.setLength(0);
                skipContentSpaces = true;
                state = State.CONTENT;
            }
            case FUNCTION_OPEN -> openBareFunction(true);
            default -> openCall(true); // CALL_OPEN
        }
        return true;
    }

    private void addReasoning(String text) {
        if (text.isEmpty()) return;
        if (!reasoningStarted) {
            int first = 0;
            while (first < text.length() && isSpace(text.charAt(first))) first++;
            if (first == text.length()) return;
            text = text.substring(first);
            reasoningStarted = true;
        }
        int keep = text.length();
        while (keep > 0 && isSpace(text.charAt(keep - 1))) keep--;
        if (keep == 0) {
            reasoningSpaces.append(text);
            return;
        }
        String out = reasoningSpaces + text.substring(0, keep);
        reasoningSpaces.setLength(0);
        reasoningSpaces.append(text, keep, text.length());
        reasoning.append(out);
        if (!events.isEmpty() && events.getLast() instanceof ReasoningDelta(String previous)) {
            events.set(events.size() - 1, new ReasoningDelta(previous + out));
        } else {
            events.add(new ReasoningDelta(out));
        }
    }

    private boolean content() {
        int before = pos;
        if (skipContentSpaces) {
            pos = skipSpaces(pos);
            if (pos == buf.length()) return pos > before;
            skipContentSpaces = false;
        }
        Scan scan = scan(pos, !options.toolsEnabled() ? List.of() : bareFunctions() ? List.of(CALL_OPEN, FUNCTION_OPEN) : List.of(CALL_OPEN));
        addContent(buf.substring(pos, scan.end()));
        pos = scan.end();
        if (scan.tag() == null) return pos > before;
        pos += scan.tag().length();
        if (scan.tag().equals(FUNCTION_OPEN)) openBareFunction(false);
        else openCall(false);
        return true;
    }

    /**
     * Whether {@code <function=NAME>} without {@code <tool_call>} may start a call: Qwen3-Coder and Qwen3.5 sometimes
     * leave the wrapper out. Only with tools declared, and only for their names (see {@link #xmlFunctionName}), so
     * that text merely mentioning the syntax stays text.
     */
    private boolean bareFunctions() {
        return options.toolsEnabled() && !options.toolSchemas().isEmpty();
    }

    private void addContent(CharSequence text) {
        if (text.isEmpty()) return;
        content.append(text);
        if (!events.isEmpty() && events.getLast() instanceof ContentDelta(String previous)) {
            events.set(events.size() - 1, new ContentDelta(previous + text));
        } else {
            events.add(new ContentDelta(text.toString()));
        }
    }

    // ---- tool calls: common

    private void openCall(boolean inReasoning) {
        raw = new StringBuilder(CALL_OPEN);
        callFromReasoning = inReasoning;
        bareFunction = false;
        state = State.CALL_OPENED;
    }

    /** {@code <function=} met in content or reasoning, outside any {@code <tool_call>}. */
    private void openBareFunction(boolean inReasoning) {
        raw = new StringBuilder(FUNCTION_OPEN);
        callFromReasoning = inReasoning;
        bareFunction = true;
        state = State.XML_FUNCTION_NAME;
    }

    /**
     * What followed {@code <tool_call>} was not a call: the tag and the text since are content (vLLM), or reasoning
     * again when the tag was met in reasoning (vLLM's Qwen3 reasoning parser ends reasoning only for a real call).
     */
    private void notACall() {
        if (callFromReasoning) {
            addReasoning(raw.toString());
            state = State.REASONING;
        } else {
            addContent(raw);
            state = State.CONTENT;
        }
        raw = null;
    }

    private boolean callOpened() {
        int i = skipSpaces(pos);
        raw.append(buf, pos, i);
        pos = i;
        if (i == buf.length()) {
            if (ended) notACall();
            return ended;
        }
        if (buf.charAt(i) == '{') {
            state = State.HERMES_HEADER;
        } else if (startsWith(i, FUNCTION_OPEN)) {
            raw.append(FUNCTION_OPEN);
            pos = i + FUNCTION_OPEN.length();
            state = State.XML_FUNCTION_NAME;
        } else if (!ended && isPartial(i, FUNCTION_OPEN)) {
            return false;
        } else {
            notACall();
        }
        return true;
    }

    private void startCall(String name) {
        call = new CallBuilder(calls.size(), options.callIds().get(), name);
        calls.add(call);
        raw = null;
        reasoningSpaces.setLength(0); // a call that ends reasoning drops its trailing whitespace
        events.add(new ToolCallStart(call.index, call.id, name));
    }

    private void addArguments(String fragment) {
        if (fragment.isEmpty()) return;
        call.arguments.append(fragment);
        if (!events.isEmpty() && events.getLast() instanceof ToolCallArgumentsDelta(int index, String previous)
                && index == call.index) {
            events.set(events.size() - 1, new ToolCallArgumentsDelta(index, previous + fragment));
        } else {
            events.add(new ToolCallArgumentsDelta(call.index, fragment));
        }
    }

    private void endCall() {
        events.add(new ToolCallEnd(call.index));
        call = null;
    }

    /** After {@code </tool_call>}: back to content, dropping the whitespace between calls. */
    private void afterCall() {
        skipContentSpaces = true;
        state = State.CONTENT;
    }

    /** At the end of the output, an unclosed call is closed with what it has (lenient, like vLLM's trailing regex). */
    private void closeOpenCall() {
        switch (state) {
            case HERMES_ARGUMENTS, HERMES_TAIL -> endCall();
            case HERMES_BUFFERED -> finishBufferedHermes(false);
            case XML_VALUE -> {
                endValue();
                endFunction();
            }
            case XML_BODY, XML_PARAMETER_NAME -> endFunction();
            default -> {}
        }
        reasoningSpaces.setLength(0);
    }

    // ---- tool calls: Hermes JSON

    private boolean hermesHeader() {
        var header = new HermesHeader();
        int end = header.match(pos);
        if (end == NEED_MORE && !ended) return false;
        if (end < 0) { // another shape (or truncated): take the body whole
            state = State.HERMES_BUFFERED;
            return true;
        }
        raw.append(buf, pos, end);
        pos = end;
        startCall(header.name);
        jsonDepth = 0;
        inJsonString = false;
        jsonEscape = false;
        state = State.HERMES_ARGUMENTS;
        return true;
    }

    /**
     * Passes the arguments object through as the model writes it (vLLM's Hermes parser streams it as well), tracking
     * strings and nesting to see where it ends. Outside strings {@code </tool_call>} also ends it, in case the model
     * never balances its braces.
     */
    private boolean hermesArguments() {
        int start = pos, i = pos, length = buf.length();
        while (i < length) {
            char c = buf.charAt(i);
            if (inJsonString) {
                if (jsonEscape) jsonEscape = false;
                else if (c == '\\') jsonEscape = true;
                else if (c == '"') inJsonString = false;
            } else if (c == '"') {
                inJsonString = true;
            } else if (c == '{' || c == '[') {
                jsonDepth++;
            } else if ((c == '}' || c == ']') && --jsonDepth == 0) {
                addArguments(buf.substring(start, i + 1));
                pos = i + 1;
                state = State.HERMES_TAIL;
                return true;
            } else if (c == '<' && (startsWith(i, CALL_CLOSE) || (!ended && isPartial(i, CALL_CLOSE)))) {
                addArguments(buf.substring(start, i));
                pos = i;
                if (startsWith(i, CALL_CLOSE)) state = State.HERMES_TAIL;
                return pos > start || state == State.HERMES_TAIL;
            }
            i++;
        }
        addArguments(buf.substring(start, length));
        pos = length;
        return pos > start;
    }

    /** After the arguments: the object's closing brace and {@code </tool_call>}; other text ends the call and is content. */
    private boolean hermesTail() {
        int i = pos;
        while (i < buf.length() && (isSpace(buf.charAt(i)) || buf.charAt(i) == '}')) i++;
        if (startsWith(i, CALL_CLOSE)) {
            pos = i + CALL_CLOSE.length();
            endCall();
            afterCall();
            return true;
        }
        if (!ended && (i == buf.length() || isPartial(i, CALL_CLOSE))) {
            return false;
        }
        pos = i;
        endCall();
        state = State.CONTENT;
        return true;
    }

    private boolean hermesBuffered() {
        // Opened in reasoning, a body that meets </think> before </tool_call> was no call: the reasoning goes on.
        Scan scan = scan(pos, callFromReasoning ? List.of(CALL_CLOSE, THINK_CLOSE) : List.of(CALL_CLOSE));
        int before = pos;
        hermesBody.append(buf, pos, scan.end());
        pos = scan.end();
        if (scan.tag() == null) return pos > before;
        if (scan.tag().equals(THINK_CLOSE)) {
            raw.append(hermesBody);
            hermesBody.setLength(0);
            notACall();
            return true;
        }
        pos += CALL_CLOSE.length();
        finishBufferedHermes(true);
        return true;
    }

    /**
     * A call body not in the streamable shape, parsed as a whole (vLLM's {@code json.loads} of the block): an object
     * with a string {@code name}, {@code arguments} an object or a string holding one. Anything else is content.
     */
    private void finishBufferedHermes(boolean closed) {
        String body = hermesBody.toString();
        hermesBody.setLength(0);
        JsonNode node = Json.parseFirst(body);
        JsonNode name = node == null ? null : node.get("name");
        if (name == null || !name.isTextual() || name.asText().isEmpty() || name.asText().length() > MAX_NAME_LENGTH) {
            raw.append(body);
            if (closed) raw.append(CALL_CLOSE);
            notACall();
            return;
        }
        JsonNode arguments = node.get("arguments");
        startCall(name.asText());
        if (arguments == null || arguments.isNull()) addArguments("{}");
        else if (arguments.isTextual()) addArguments(arguments.asText());
        else addArguments(Json.compact(arguments));
        endCall();
        if (closed) afterCall();
        else state = State.CONTENT;
    }

    private static final int NEED_MORE = -1, MISMATCH = -2;

    /** Matches {@code {"name": "NAME", "arguments": } up to the arguments object's opening brace. */
    private final class HermesHeader {
        String name;

        int match(int i) {
            i = expect(skipSpaces(i), "{");
            if (i >= 0) i = expect(skipSpaces(i), NAME_KEY);
            if (i >= 0) i = expect(skipSpaces(i), ":");
            if (i >= 0) i = string(skipSpaces(i));
            if (i >= 0) i = expect(skipSpaces(i), ",");
            if (i >= 0) i = expect(skipSpaces(i), ARGUMENTS_KEY);
            if (i >= 0) i = expect(skipSpaces(i), ":");
            if (i >= 0) i = skipSpaces(i);
            if (i < 0) return i;
            if (i == buf.length()) return NEED_MORE;
            return buf.charAt(i) == '{' ? i : MISMATCH;
        }

        private int expect(int i, String literal) {
            for (int k = 0; k < literal.length(); k++, i++) {
                if (i == buf.length()) return NEED_MORE;
                if (buf.charAt(i) != literal.charAt(k)) return MISMATCH;
            }
            return i;
        }

        private int string(int i) {
            if (i == buf.length()) return NEED_MORE;
            if (buf.charAt(i) != '"') return MISMATCH;
            boolean escape = false;
            for (int j = i + 1; j < buf.length(); j++) {
                if (j - i > MAX_NAME_LENGTH) return MISMATCH;
                char c = buf.charAt(j);
                if (escape) escape = false;
                else if (c == '\\') escape = true;
                else if (c == '"') {
                    JsonNode text = Json.parseExactly(buf.substring(i, j + 1));
                    if (text == null || text.asText().isEmpty()) return MISMATCH;
                    name = text.asText();
                    return j + 1;
                }
            }
            return NEED_MORE;
        }
    }

    // ---- tool calls: XML (Qwen3-Coder, Qwen3.5)

    /** A function or parameter name up to {@code >}: the end index of the name, NEED_MORE, or MISMATCH. */
    private int nameEnd() {
        for (int i = pos; i < buf.length(); i++) {
            char c = buf.charAt(i);
            if (c == '>') return i;
            if (c == '<' || c == '\n' || i - pos >= MAX_NAME_LENGTH) return MISMATCH;
        }
        return ended ? MISMATCH : NEED_MORE;
    }

    private boolean xmlFunctionName() {
        int end = nameEnd();
        if (end == NEED_MORE) return false;
        String name = end < 0 ? "" : buf.substring(pos, end).strip();
        if (name.isEmpty() || bareFunction && !options.toolSchemas().containsKey(name)) {
            notACall(); // the name's text is read again as content (or reasoning)
            return true;
        }
        pos = end + 1;
        startCall(name);
        functionSchema = options.toolSchemas().get(name);
        state = State.XML_BODY;
        return true;
    }

    private boolean xmlBody() {
        int before = pos;
        pos = skipSpaces(pos);
        Scan scan = scan(pos, List.of(PARAMETER_OPEN, FUNCTION_CLOSE, CALL_CLOSE));
        pos = scan.end(); // text between parameters that is no tag is dropped
        if (scan.tag() == null) return pos > before;
        pos += scan.tag().length();
        switch (scan.tag()) {
            case PARAMETER_OPEN -> state = State.XML_PARAMETER_NAME;
            case FUNCTION_CLOSE -> {
                endFunction();
                state = State.XML_AFTER_FUNCTION;
            }
            default -> { // </tool_call> without </function>
                endFunction();
                afterCall();
            }
        }
        return true;
    }

    private boolean xmlParameterName() {
        int end = nameEnd();
        if (end == NEED_MORE) return false;
        String name = end < 0 ? "" : buf.substring(pos, end).strip();
        if (name.isEmpty()) { // not a parameter after all: its text is dropped like other stray text
            state = State.XML_BODY;
            return true;
        }
        pos = end + 1;
        parameterName = name;
        parameterTypes = ParameterTypes.of(functionSchema, name);
        // String values stream as they come; typed ones are converted when complete.
        streamingString = ParameterTypes.onlyString(parameterTypes);
        valueStarted = false;
        valueNewlineHeld = false;
        value.setLength(0);
        if (streamingString) addArguments(separator() + Json.quote(name) + ":\"");
        state = State.XML_VALUE;
        return true;
    }

    private String separator() {
        return call.arguments.isEmpty() ? "{" : ",";
    }

    /** A value ends at {@code </parameter>}, or where the next parameter or the function's end begins (vLLM). */
    private boolean xmlValue() {
        Scan scan = scan(pos, List.of(PARAMETER_CLOSE, PARAMETER_OPEN, FUNCTION_CLOSE, CALL_CLOSE));
        int before = pos;
        addValue(buf.substring(pos, scan.end()));
        pos = scan.end();
        if (scan.tag() == null) {
            if (!ended) return pos > before;
        } else if (scan.tag().equals(PARAMETER_CLOSE)) {
            pos += PARAMETER_CLOSE.length();
        }
        endValue();
        state = State.XML_BODY;
        return true;
    }

    /** Drops the newline after {@code <parameter=p>} and holds one before the end tag (Qwen's reference parser). */
    private void addValue(String text) {
        if (text.isEmpty()) return;
        if (!valueStarted) {
            valueStarted = true;
            if (text.charAt(0) == '\n') text = text.substring(1);
        }
        if (valueNewlineHeld) text = "\n" + text;
        valueNewlineHeld = text.endsWith("\n");
        if (valueNewlineHeld) text = text.substring(0, text.length() - 1);
        if (streamingString) addArguments(Json.escape(text));
        else value.append(text);
    }

    private void endValue() {
        if (streamingString) {
            addArguments("\"");
        } else {
            String sep = separator();
            addArguments(sep + Json.quote(parameterName) + ":" + Json.compact(ParameterTypes.convert(value.toString(), parameterTypes)));
        }
        value.setLength(0);
    }

    private void endFunction() {
        addArguments(call.arguments.isEmpty() ? "{}" : "}");
        endCall();
    }

    private boolean xmlAfterFunction() {
        int i = skipSpaces(pos);
        if (startsWith(i, FUNCTION_OPEN)) { // several functions in one block: each is a call (vLLM)
            pos = i + FUNCTION_OPEN.length();
            raw = new StringBuilder(FUNCTION_OPEN);
            callFromReasoning = false;
            state = State.XML_FUNCTION_NAME;
            return true;
        }
        if (startsWith(i, CALL_CLOSE)) {
            pos = i + CALL_CLOSE.length();
            afterCall();
            return true;
        }
        if (!ended && (i == buf.length() || isPartial(i, FUNCTION_OPEN) || isPartial(i, CALL_CLOSE))) return false;
        pos = i; // no </tool_call>: what follows is content
        state = State.CONTENT;
        return true;
    }

    // ---- scanning

    /**
     * Where the plain text from {@code from} ends: at the first of {@code tags} (then {@code tag} names it), or
     * before the longest tail that could still grow into one of them (nothing held back once the output ended).
     */
    private record Scan(int end, String tag) {}

    private Scan scan(int from, List<String> tags) {
        int best = -1;
        String found = null;
        for (String tag : tags) {
            int at = buf.indexOf(tag, from);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
                found = tag;
            }
        }
        if (found != null) return new Scan(best, found);
        int length = buf.length();
        if (ended) return new Scan(length, null);
        for (int i = Math.max(from, length - longest(tags) + 1); i < length; i++) {
            if (buf.charAt(i) != '<') continue;
            for (String tag : tags) if (isPartial(i, tag)) return new Scan(i, null);
        }
        return new Scan(length, null);
    }

    private static int longest(List<String> tags) {
        int n = 0;
        for (String t : tags) n = Math.max(n, t.length());
        return n;
    }

    private boolean startsWith(int i, String tag) {
        return i + tag.length() <= buf.length() && matches(i, tag, tag.length());
    }

    /** The text from {@code i} to the end is a proper prefix of {@code tag}. */
    private boolean isPartial(int i, String tag) {
        int n = buf.length() - i;
        return n < tag.length() && matches(i, tag, n);
    }

    private boolean matches(int i, String tag, int n) {
        for (int k = 0; k < n; k++) if (buf.charAt(i + k) != tag.charAt(k)) return false;
        return true;
    }

    private int skipSpaces(int i) {
        while (i < buf.length() && isSpace(buf.charAt(i))) i++;
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private static final class CallBuilder {
        final int index;
        final String id, name;
        final StringBuilder arguments = new StringBuilder();

        CallBuilder(int index, String id, String name) {
            this.index = index;
            this.id = id;
            this.name = name;
        }
    }
}
