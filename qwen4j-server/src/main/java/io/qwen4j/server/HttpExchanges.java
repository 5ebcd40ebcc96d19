package io.qwen4j.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Reading bounded request bodies and writing JSON, SSE and OpenAI-shaped errors. */
public final class HttpExchanges {
    private HttpExchanges() {}

    public static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How much of a refused body is read and dropped before the 413 goes out. A client that is still sending
     * when the server closes the connection gets a TCP reset, which can destroy the 413 before the client reads
     * it; past this many bytes the connection is closed anyway.
     */
    static final long DRAIN_LIMIT = 64L << 20;

    /** Reads the body, refusing more than {@code limit} bytes (413) without keeping them. */
    public static byte[] body(HttpExchange ex, int limit) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(null, "invalid Content-Length header");
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            if (length > limit) throw tooLarge(in, limit);
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) throw tooLarge(in, limit);
            return bytes;
        }
    }

    private static ApiException tooLarge(InputStream in, int limit) throws IOException {
        long dropped = 0;
        byte[] sink = new byte[64 << 10];
        for (int n; dropped < DRAIN_LIMIT && (n = in.read(sink)) > 0; ) dropped += n;
        return new ApiException(413, "invalid_request_error", null, "request body exceeds " + limit + " bytes");
    }

    public static void json(HttpExchange ex, int status, Object value) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static void text(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** OpenAI's error shape: {"error": {"message", "type", "param", "code"}}. */
    public static void error(HttpExchange ex, int status, String type, String param, String message) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", message);
        err.put("type", type);
        if (param != null) err.put("param", param);
        else err.putNull("param");
        err.putNull("code");
        json(ex, status, root);
    }

    /** Starts a server-sent event stream. */
    public static OutputStream startEvents(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    public static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
