package io.qwen4j.server;

import io.qwen4j.engine.EngineMetrics;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/** {@code GET /metrics} in the Prometheus text format: HTTP requests, tokens, queue, slots, time to first token. */
final class Metrics {
    final LongAdder httpRequests = new LongAdder();
    final LongAdder httpErrors = new LongAdder();

    String render(EngineMetrics e, int slots) {
        var out = new StringBuilder(2048);
        counter(out, "qwen4j_http_requests_total", "HTTP requests received.", httpRequests.sum());
        counter(out, "qwen4j_http_errors_total", "HTTP requests answered with an error status.", httpErrors.sum());
        counter(out, "qwen4j_requests_total", "Generations accepted by the scheduler.", e.requests());
        counter(out, "qwen4j_requests_rejected_total", "Generations refused with 503 because the queue was full.", e.rejected());
        counter(out, "qwen4j_requests_cancelled_total", "Generations cancelled by their client (disconnects included).", e.cancelled());
        counter(out, "qwen4j_prompt_tokens_total", "Prompt tokens of accepted generations (tokens in).", e.promptTokens());
        counter(out, "qwen4j_prompt_tokens_reused_total", "Prompt tokens whose KV cache was reused instead of recomputed.", e.reusedPromptTokens());
        counter(out, "qwen4j_generated_tokens_total", "Tokens generated (tokens out).", e.generatedTokens());
        gauge(out, "qwen4j_active_sequences", "Sequences generating now.", e.activeSequences());
        gauge(out, "qwen4j_slots", "Sequences that can generate at once (--parallel).", slots);
        gauge(out, "qwen4j_queue_depth", "Requests waiting for a slot.", e.queueDepth());
        gauge(out, "qwen4j_decode_tokens_per_second", "Recent aggregate decode speed over all sequences.", e.decodeTokensPerSecond());
        out.append("# HELP qwen4j_time_to_first_token_seconds Time from accepting a request to its first token.\n");
        out.append("# TYPE qwen4j_time_to_first_token_seconds summary\n");
        out.append("qwen4j_time_to_first_token_seconds_sum ").append(fmt(e.timeToFirstTokenSeconds())).append('\n');
        out.append("qwen4j_time_to_first_token_seconds_count ").append(e.timeToFirstTokenCount()).append('\n');
        counter(out, "qwen4j_decode_seconds_total", "Time spent in batched decode steps.", e.decodeSeconds());
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        metric(out, name, help, "counter", value);
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        metric(out, name, help, "gauge", value);
    }

    private static void metric(StringBuilder out, String name, String help, String type, double value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(fmt(value)).append('\n');
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v);
    }
}
