package io.qwen4j.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qwen4j.engine.FinishReason;
import io.qwen4j.engine.Generation;
import io.qwen4j.engine.GenerationEvent;
import io.qwen4j.server.ApiException;
import io.qwen4j.server.HttpExchanges;
import java.io.IOException;
import java.io.OutputStream;

/** Request handling steps both OpenAI endpoints share. */
final class OpenAiRequests {
    private OpenAiRequests() {}

    static JsonNode parse(byte[] body) {
        try {
            JsonNode root = HttpExchanges.JSON.readTree(body);
            if (root == null || !root.isObject()) throw ApiException.badRequest(null, "the request body must be a JSON object");
            return root;
        } catch (IOException e) {
            throw ApiException.badRequest(null, "the body is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    static void checkModel(String requested, String served) {
        if (!requested.isEmpty() && !requested.equals(served)) {
            throw new ApiException(404, "invalid_request_error", "model", "model '" + requested + "' is not served here (this server serves '" + served + "')");
        }
    }

    /** A stream whose generation failed ends with an OpenAI-shaped error event instead of a finish reason. */
    static boolean streamFailed(OutputStream out, Generation g, GenerationEvent.Done done) throws IOException {
        if (done.reason() != FinishReason.ERROR) return false;
        ObjectNode err = HttpExchanges.JSON.createObjectNode();
        err.putObject("error").put("message", "generation failed: " + g.failure().map(Throwable::getMessage).orElse("unknown error"))
                .put("type", "server_error");
        HttpExchanges.event(out, err.toString());
        return true;
    }
}
