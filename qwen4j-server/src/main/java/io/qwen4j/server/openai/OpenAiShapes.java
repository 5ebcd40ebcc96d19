package io.qwen4j.server.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.engine.Timings;
import io.qwen4j.sampling.TokenLogprobs;
import io.qwen4j.server.HttpExchanges;
import io.qwen4j.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;

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

    /** One entry of a chat choice's {@code logprobs.content}: token text, logprob, UTF-8 bytes, top alternatives. */
    static void chatLogprob(ArrayNode content, TokenLogprobs lp, Tokenizer tokenizer) {
        ObjectNode entry = tokenEntry(content.addObject(), lp.token(), lp.logprob(), tokenizer);
        ArrayNode top = entry.putArray("top_logprobs");
        for (var alt : lp.top()) tokenEntry(top.addObject(), alt.token(), alt.logprob(), tokenizer);
    }

    private static ObjectNode tokenEntry(ObjectNode o, int token, float logprob, Tokenizer tokenizer) {
        byte[] bytes = tokenizer.tokenBytes(token);
        o.put("token", new String(bytes, StandardCharsets.UTF_8));
        o.put("logprob", logprob);
        ArrayNode b = o.putArray("bytes");
        for (byte x : bytes) b.add(x & 0xFF);
        return o;
    }

    /** The legacy completions shape: parallel arrays of tokens, their logprobs, top alternatives and text offsets. */
    static void completionLogprobs(ObjectNode choice, java.util.List<TokenLogprobs> lps, Tokenizer tokenizer, int startOffset) {
        ObjectNode o = choice.putObject("logprobs");
        ArrayNode tokens = o.putArray("tokens");
        ArrayNode values = o.putArray("token_logprobs");
        ArrayNode tops = o.putArray("top_logprobs");
        ArrayNode offsets = o.putArray("text_offset");
        int offset = startOffset;
        for (TokenLogprobs lp : lps) {
            String text = new String(tokenizer.tokenBytes(lp.token()), StandardCharsets.UTF_8);
            tokens.add(text);
            values.add(lp.logprob());
            ObjectNode top = tops.addObject();
            for (var alt : lp.top()) top.put(new String(tokenizer.tokenBytes(alt.token()), StandardCharsets.UTF_8), alt.logprob());
            offsets.add(offset);
            offset += text.length();
        }
    }

    static String finishReason(FinishReason r) {
        return r == FinishReason.LENGTH ? "length" : "stop";
    }
}
