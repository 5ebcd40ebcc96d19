package io.qwen4j.server.openai;

import static io.qwen4j.server.JsonFields.bool;
import static io.qwen4j.server.JsonFields.integer;
import static io.qwen4j.server.JsonFields.number;

import com.fasterxml.jackson.databind.JsonNode;
import io.qwen4j.chat.ChatMessage;
import io.qwen4j.engine.GenerationRequest;
import io.qwen4j.sampling.SamplingOptions;
import io.qwen4j.server.ApiException;
import io.qwen4j.server.ChatInput;
import io.qwen4j.server.JsonFields;
import java.util.List;

/** The fields of an OpenAI chat completion request this server honours, validated with errors naming the field. */
record ChatCompletionRequest(String model, ChatInput input, boolean stream, boolean includeUsage, GenerationRequest generation) {

    /** The sampling and length fields chat and text completions share. */
    static GenerationRequest generationRequest(JsonNode root) {
        var s = SamplingOptions.defaults();
        Float temperature = number(root, "temperature");
        if (temperature != null) s = s.withTemperature(temperature);
        Float topP = number(root, "top_p");
        if (topP != null) s = s.withTopP(topP);
        Float minP = number(root, "min_p");
        if (minP != null) s = s.withMinP(minP);
        Integer topK = integer(root, "top_k");
        if (topK != null) s = s.withTopK(topK);
        Float presence = number(root, "presence_penalty");
        if (presence != null) s = s.withPresencePenalty(presence);
        Float frequency = number(root, "frequency_penalty");
        if (frequency != null) s = s.withFrequencyPenalty(frequency);
        Float repeat = number(root, "repeat_penalty");
        if (repeat != null) s = s.withRepeatPenalty(repeat);
        Integer seed = integer(root, "seed");
        if (seed != null) s = s.withSeed(seed);

        Integer maxTokens = integer(root, "max_completion_tokens");
        if (maxTokens == null) maxTokens = integer(root, "max_tokens");
        if (maxTokens != null && maxTokens <= 0) throw ApiException.badRequest("max_tokens", "'max_tokens' must be positive");

        List<String> stops = JsonFields.strings(root, "stop");
        return new GenerationRequest(s, maxTokens == null ? -1 : maxTokens, stops);
    }

    static ChatCompletionRequest parse(JsonNode root) {
        if (root == null || !root.isObject()) throw ApiException.badRequest(null, "the request body must be a JSON object");
        String model = JsonFields.text(root, "model", "");
        List<ChatMessage> messages = JsonFields.messages(root);

        GenerationRequest generation = generationRequest(root);
        JsonNode topLogprobs = root.get("top_logprobs");
        if (bool(root, "logprobs", false)) {
            Integer top = integer(root, "top_logprobs");
            if (top != null && (top < 0 || top > 20)) throw ApiException.badRequest("top_logprobs", "'top_logprobs' must be in 0..20");
            generation = generation.withLogprobs(top == null ? 0 : top);
        } else if (topLogprobs != null && !topLogprobs.isNull()) {
            throw ApiException.badRequest("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        }
        boolean stream = bool(root, "stream", false);
        JsonNode streamOptions = root.get("stream_options");
        boolean includeUsage = streamOptions != null && streamOptions.isObject() && bool(streamOptions, "include_usage", false);
        boolean thinking = true;
        JsonNode kwargs = root.get("chat_template_kwargs");
        if (kwargs != null && kwargs.isObject()) thinking = bool(kwargs, "enable_thinking", true);
        // OpenAI's reasoning_effort: "none" switches Qwen's thinking off; any level leaves it on.
        String effort = JsonFields.text(root, "reasoning_effort", null);
        if (effort != null) {
            if (!java.util.Set.of("none", "minimal", "low", "medium", "high").contains(effort)) {
                throw ApiException.badRequest("reasoning_effort", "'reasoning_effort' must be one of none, minimal, low, medium, high");
            }
            if (effort.equals("none")) thinking = false;
        }
        var input = new ChatInput(messages, JsonFields.tools(root), JsonFields.toolChoice(root), thinking);
        return new ChatCompletionRequest(model, input, stream, includeUsage, generation);
    }
}
