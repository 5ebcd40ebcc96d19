package io.qwen4j.server.ollama;

import static io.qwen4j.server.JsonFields.integer;
import static io.qwen4j.server.JsonFields.number;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.qwen4j.chat.ChatMessage;
import io.qwen4j.chat.parse.OutputEvent;
import io.qwen4j.chat.parse.ParsedOutput;
import io.qwen4j.chat.parse.ToolCall;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.engine.Model;
import io.qwen4j.gguf.GgufTensorInfo;
import io.qwen4j.sampling.SamplingOptions;
import io.qwen4j.server.ApiException;
import io.qwen4j.server.ChatInput;
import io.qwen4j.server.ChatReply;
import io.qwen4j.server.Generations;
import io.qwen4j.server.HttpExchanges;
import io.qwen4j.server.JsonFields;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Ollama's API over one model: {@code /api/chat} and {@code /api/generate} (NDJSON streaming by default, as Ollama
 * does), {@code /api/tags}, {@code /api/show}, {@code /api/ps}, {@code /api/version}.
 */
public final class OllamaApi {
    /** The Ollama release whose API shapes these endpoints follow. */
    public static final String VERSION = "0.12.0";

    private final Generations generations;
    private final Model model;
    private final String name;
    private final Instant loadedAt = Instant.now();

    public OllamaApi(Generations generations, String name) {
        this.generations = generations;
        this.model = generations.model();
        this.name = name;
    }

    public void chat(HttpExchange ex, byte[] body) throws IOException {
        JsonNode root = parse(body);
        checkModel(root);
        var input = new ChatInput(JsonFields.messages(root), JsonFields.tools(root), new ChatInput.ToolChoice.Auto(), think(root));
        respond(ex, generations.chat(input, request(root)), JsonFields.bool(root, "stream", true), true);
    }

    public void generate(HttpExchange ex, byte[] body) throws IOException {
        JsonNode root = parse(body);
        checkModel(root);
        String prompt = JsonFields.text(root, "prompt", "");
        if (prompt.isEmpty()) { // Ollama's way to load a model: answer done at once
            ObjectNode done = base();
            done.put("response", "");
            done.put("done", true);
            // keep_alive 0 asks Ollama to unload; this server keeps its one model loaded but answers the same way.
            JsonNode keepAlive = root.get("keep_alive");
            boolean unload = keepAlive != null && (keepAlive.asText().equals("0") || (keepAlive.isNumber() && keepAlive.asDouble() == 0));
            done.put("done_reason", unload ? "unload" : "load");
            HttpExchanges.json(ex, 200, done);
            return;
        }
        boolean raw = JsonFields.bool(root, "raw", false);
        String system = JsonFields.text(root, "system", null);
        var request = request(root);
        ChatReply reply;
        if (raw) {
            reply = ChatReply.plain(generations.complete(prompt, request));
        } else {
            var messages = system == null ? List.of(ChatMessage.user(prompt)) : List.of(ChatMessage.system(system), ChatMessage.user(prompt));
            reply = generations.chat(new ChatInput(messages, List.of(), new ChatInput.ToolChoice.Auto(), think(root)), request);
        }
        respond(ex, reply, JsonFields.bool(root, "stream", true), false);
    }

    public void tags(HttpExchange ex) throws IOException {
        ObjectNode root = HttpExchanges.JSON.createObjectNode();
        root.putArray("models").add(modelEntry());
        HttpExchanges.json(ex, 200, root);
    }

    public void ps(HttpExchange ex) throws IOException {
        ObjectNode root = HttpExchanges.JSON.createObjectNode();
        ObjectNode m = root.putArray("models").addObject();
        m.setAll(modelEntry());
        m.put("expires_at", "9999-12-31T23:59:59Z");
        m.put("size_vram", 0);
        HttpExchanges.json(ex, 200, root);
    }

    public void show(HttpExchange ex, byte[] body) throws IOException {
        JsonNode root = parse(body);
        JsonNode requested = root.has("model") ? root.get("model") : root.get("name");
        if (requested == null || !requested.isTextual()) throw ApiException.badRequest("model", "'model' is required");
        if (!sameModel(requested.asText())) throw new ApiException(404, "not_found", "model", "model '" + requested.asText() + "' not found");
        ObjectNode out = HttpExchanges.JSON.createObjectNode();
        out.put("modelfile", "FROM " + model.gguf().path().getFileName());
        out.put("parameters", "");
        out.put("template", model.gguf().getString("tokenizer.chat_template", ""));
        out.set("details", details());
        ObjectNode info = out.putObject("model_info");
        model.gguf().metadata().forEach((k, v) -> {
            if (!k.startsWith("tokenizer.ggml.") && !k.equals("tokenizer.chat_template")) info.put(k, v.display(16));
        });
        out.putArray("capabilities").add("completion");
        out.put("modified_at", loadedAt.toString());
        HttpExchanges.json(ex, 200, out);
    }

    public void version(HttpExchange ex) throws IOException {
        HttpExchanges.json(ex, 200, HttpExchanges.JSON.createObjectNode().put("version", VERSION));
    }

    private void respond(HttpExchange ex, ChatReply reply, boolean stream, boolean chat) throws IOException {
        if (!stream) {
            GenerationEvent.Done done = reply.await();
            ObjectNode o = finalObject(done, chat);
            ParsedOutput out = reply.output();
            ObjectNode m = text(o, chat, out.content(), out.reasoning());
            if (chat && out.hasToolCalls()) toolCalls(m, out.toolCalls());
            HttpExchanges.json(ex, 200, o);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            var calls = new java.util.TreeMap<Integer, StringBuilder>();
            var names = new java.util.HashMap<Integer, ToolCall>();
            GenerationEvent.Done done;
            try {
                done = reply.stream(piece -> {
                    for (OutputEvent e : piece.events()) {
                        ObjectNode o = base();
                        switch (e) {
                            case OutputEvent.ContentDelta d -> text(o, chat, d.text(), "");
                            case OutputEvent.ReasoningDelta d -> text(o, chat, "", d.text());
                            case OutputEvent.ToolCallStart st -> {
                                names.put(st.index(), new ToolCall(st.id(), st.name(), ""));
                                calls.put(st.index(), new StringBuilder());
                                continue;
                            }
                            case OutputEvent.ToolCallArgumentsDelta a -> {
                                calls.get(a.index()).append(a.jsonFragment());
                                continue;
                            }
                            case OutputEvent.ToolCallEnd end -> {
                                // Ollama streams a call whole, once its arguments are complete.
                                ToolCall c = names.get(end.index());
                                toolCalls(text(o, chat, "", ""), List.of(new ToolCall(c.id(), c.name(), calls.get(end.index()).toString())));
                            }
                        }
                        o.put("done", false);
                        try {
                            line(out, o);
                        } catch (IOException io) {
                            throw new java.io.UncheckedIOException(io);
                        }
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            ObjectNode last = finalObject(done, chat);
            text(last, chat, "", "");
            line(out, last);
        } catch (IOException e) {
            reply.generation().cancel(); // the client is gone
            throw e;
        }
    }

    private ObjectNode finalObject(GenerationEvent.Done done, boolean chat) {
        ObjectNode o = base();
        o.put("done", true);
        o.put("done_reason", done.reason() == FinishReason.LENGTH ? "length" : "stop");
        var t = done.timings();
        o.put("total_duration", t.promptNanos() + t.generationNanos());
        o.put("load_duration", 0);
        o.put("prompt_eval_count", t.promptTokens());
        o.put("prompt_eval_duration", t.promptNanos());
        o.put("eval_count", t.generatedTokens());
        o.put("eval_duration", t.generationNanos());
        return o;
    }

    /** Ollama's tool calls: the arguments as an object, not a string. */
    private static void toolCalls(ObjectNode message, List<ToolCall> calls) {
        var array = message.putArray("tool_calls");
        for (ToolCall c : calls) {
            JsonNode args;
            try {
                args = HttpExchanges.JSON.readTree(c.argumentsJson());
            } catch (IOException e) {
                args = HttpExchanges.JSON.createObjectNode();
            }
            array.addObject().putObject("function").put("name", c.name()).set("arguments", args);
        }
    }

    /** The text fields: {@code message.content/thinking} for chat, {@code response/thinking} for generate. Returns where they went. */
    private static ObjectNode text(ObjectNode o, boolean chat, String content, String thinking) {
        ObjectNode target = chat ? o.putObject("message").put("role", "assistant") : o;
        target.put(chat ? "content" : "response", content);
        if (!thinking.isEmpty()) target.put("thinking", thinking);
        return target;
    }

    private static void line(OutputStream out, ObjectNode o) throws IOException {
        out.write((o.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private ObjectNode base() {
        ObjectNode o = HttpExchanges.JSON.createObjectNode();
        o.put("model", name);
        o.put("created_at", Instant.now().toString());
        return o;
    }

    /** Ollama's {@code options}: num_predict, temperature, top_k, top_p, min_p, seed, stop, the penalties. */
    private static GenerationRequest request(JsonNode root) {
        JsonNode opts = root.get("options");
        var s = SamplingOptions.defaults();
        int maxTokens = -1;
        List<String> stops = List.of();
        if (opts != null && !opts.isNull()) {
            if (!opts.isObject()) throw ApiException.badRequest("options", "'options' must be an object");
            try {
                Float v;
                Integer i;
                if ((v = number(opts, "temperature")) != null) s = s.withTemperature(v);
                if ((i = integer(opts, "top_k")) != null) s = s.withTopK(i);
                if ((v = number(opts, "top_p")) != null) s = s.withTopP(v);
                if ((v = number(opts, "min_p")) != null) s = s.withMinP(v);
                if ((v = number(opts, "repeat_penalty")) != null) s = s.withRepeatPenalty(v);
                if ((i = integer(opts, "repeat_last_n")) != null) s = s.withPenaltyLastN(i);
                if ((v = number(opts, "presence_penalty")) != null) s = s.withPresencePenalty(v);
                if ((v = number(opts, "frequency_penalty")) != null) s = s.withFrequencyPenalty(v);
                if ((i = integer(opts, "seed")) != null) s = s.withSeed(i);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("options", e.getMessage());
            }
            Integer n = integer(opts, "num_predict");
            if (n != null && n > 0) maxTokens = n;
            stops = JsonFields.strings(opts, "stop");
        }
        return format(root.get("format"), new GenerationRequest(s, maxTokens, stops));
    }

    /** Ollama's {@code format}: "json" for any JSON object, or a JSON schema the output must follow. */
    private static GenerationRequest format(JsonNode format, GenerationRequest request) {
        if (format == null || format.isNull() || (format.isTextual() && format.asText().isEmpty())) return request;
        if (format.isTextual() && format.asText().equals("json")) return request.withJsonObject();
        if (format.isObject()) return JsonFields.withSchema(request, format, "format");
        throw ApiException.badRequest("format", "'format' must be \"json\" or a JSON schema object");
    }

    /** {@code think}: a boolean, or a level ("low", "medium", "high") which means on. */
    private static boolean think(JsonNode root) {
        JsonNode t = root.get("think");
        if (t == null || t.isNull()) return true;
        if (t.isBoolean()) return t.asBoolean();
        if (t.isTextual() && java.util.Set.of("low", "medium", "high").contains(t.asText())) return true;
        throw ApiException.badRequest("think", "'think' must be a boolean or one of low, medium, high");
    }

    private JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = HttpExchanges.JSON.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest(null, "the body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) throw ApiException.badRequest(null, "the request body must be a JSON object");
        return root;
    }

    private void checkModel(JsonNode root) {
        String requested = JsonFields.text(root, "model", null);
        if (requested == null || requested.isEmpty()) throw ApiException.badRequest("model", "model is required");
        if (!sameModel(requested)) throw new ApiException(404, "not_found", "model", "model '" + requested + "' not found");
    }

    /** Ollama clients add the default tag {@code :latest}. */
    private boolean sameModel(String requested) {
        return strip(requested).equals(strip(name));
    }

    private static String strip(String n) {
        return n.endsWith(":latest") ? n.substring(0, n.length() - 7) : n;
    }

    private ObjectNode modelEntry() {
        ObjectNode m = HttpExchanges.JSON.createObjectNode();
        m.put("name", name);
        m.put("model", name);
        m.put("modified_at", loadedAt.toString());
        m.put("size", model.gguf().fileSize());
        m.put("digest", Integer.toHexString(model.gguf().path().toString().hashCode()));
        m.set("details", details());
        return m;
    }

    private ObjectNode details() {
        ObjectNode d = HttpExchanges.JSON.createObjectNode();
        String arch = model.config().architecture();
        d.put("parent_model", "");
        d.put("format", "gguf");
        d.put("family", arch);
        d.putArray("families").add(arch);
        long params = 0;
        var bytesByType = new EnumMap<io.qwen4j.tensor.GgmlType, Long>(io.qwen4j.tensor.GgmlType.class);
        for (GgufTensorInfo t : model.gguf().tensors()) {
            params += t.elementCount();
            bytesByType.merge(t.type(), t.byteSize(), Long::sum);
        }
        d.put("parameter_size", String.format(java.util.Locale.ROOT, "%.2fM", params / 1e6));
        d.put("quantization_level", bytesByType.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse(""));
        return d;
    }
}
