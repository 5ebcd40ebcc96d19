package io.qwen4j.server.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.Timings;
import io.qwen4j.server.HttpExchanges;

/** The parts of OpenAI's response objects that chat and text completions share. */
final class OpenAiShapes {
    private OpenAiShapes() {}

    static ObjectNode envelope(String id, long created, String object, String model) {
        ObjectNode root = HttpExchanges.JSON.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    static void usage(ObjectNode usage, GenerationEvent.Done done) {
        int prompt = done.timings().promptTokens();
        int completion = done.timings().generatedTokens();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        usage.putObject("prompt_tokens_details").put("cached_tokens", done.timings().reusedTokens());
    }

    /** llama.cpp server's {@code timings} object: how much of the prompt was reused and how fast each phase ran. */
    static void timings(ObjectNode root, GenerationEvent.Done done) {
        Timings t = done.timings();
        ObjectNode o = root.putObject("timings");
        o.put("cache_n", t.reusedTokens());
        o.put("prompt_n", t.promptTokens() - t.reusedTokens());
        o.put("prompt_ms", t.promptNanos() / 1e6);
        o.put("prompt_per_second", t.promptTokensPerSecond());
        o.put("predicted_n", t.generatedTokens());
        o.put("predicted_ms", t.generationNanos() / 1e6);
        o.put("predicted_per_second", t.generationTokensPerSecond());
    }

    static String finishReason(FinishReason r) {
        return r == FinishReason.LENGTH ? "length" : "stop";
    }
}
