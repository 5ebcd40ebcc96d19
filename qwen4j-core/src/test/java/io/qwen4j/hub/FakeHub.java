package io.qwen4j.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local imitation of the Hugging Face endpoints a pull uses: the tree API (with Link pagination, LFS entries, a
 * directory entry and a non-LFS README), {@code /resolve/main/PATH} answering 302 to a CDN on another port (as HF
 * redirects to its CDN), and the CDN serving content with Range support. Faults can be armed: drop the connection
 * after N bytes, stall after N bytes, serve corrupted bytes, demand a token.
 */
final class FakeHub implements AutoCloseable {
    /** One request as the server saw it, with the bytes of body it sent back. */
    record Request(String server, String path, String range, String authorization, long bytesSent) {}

    private final HttpServer api;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

    volatile String requiredToken;
    volatile int pageSize;
    /** The next {@code drops} CDN responses send {@code dropAfter} bytes, then the connection is closed. */
    volatile long dropAfter;
    final AtomicInteger drops = new AtomicInteger();
    /** The next CDN response sends this many bytes, then waits without closing. */
    volatile long stallAfter = -1;
    volatile boolean corrupt;

    FakeHub() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.setExecutor(executor);
        cdn.setExecutor(executor);
        api.createContext("/", this::handleApi);
        cdn.createContext("/", this::handleCdn);
        api.start();
        cdn.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + api.getAddress().getPort());
    }

    FakeHub add(String repo, String path, byte[] content) {
        repos.computeIfAbsent(repo, r -> new TreeMap<>()).put(path, content);
        blobs.put(sha256(content), content);
        return this;
    }

    List<Request> cdnRequests() {
        synchronized (requests) {
            return requests.stream().filter(r -> r.server().equals("cdn")).toList();
        }
    }

    List<Request> apiRequests() {
        synchronized (requests) {
            return requests.stream().filter(r -> r.server().equals("api")).toList();
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void handleApi(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request("api", ex.getRequestURI().toString(), ex.getRequestHeaders().getFirst("Range"), auth, 0));
        if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
            error(ex, 401, "RepoNotFound");
            return;
        }
        if (path.startsWith("/api/models/")) {
            String rest = path.substring("/api/models/".length());
            int tree = rest.indexOf("/tree/main");
            var files = tree < 0 ? null : repos.get(rest.substring(0, tree));
            if (files == null) {
                error(ex, 404, "RepoNotFound");
                return;
            }
            listing(ex, rest.substring(0, tree), files);
            return;
        }
        int resolve = path.indexOf("/resolve/main/");
        var files = resolve < 0 ? null : repos.get(path.substring(1, resolve));
        if (files == null) {
            error(ex, 404, "RepoNotFound");
            return;
        }
        String file = URI.create(path.substring(resolve + "/resolve/main/".length())).getPath();
        byte[] content = files.get(file);
        if (content == null) {
            error(ex, 404, "EntryNotFound");
            return;
        }
        ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/blobs/" + sha256(content));
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private void listing(HttpExchange ex, String repo, Map<String, byte[]> files) throws IOException {
        var entries = new ArrayList<String>();
        var dirs = new java.util.TreeSet<String>();
        files.forEach((path, content) -> {
            if (path.contains("/")) dirs.add(path.substring(0, path.lastIndexOf('/')));
            entries.add(path.endsWith(".md")
                    ? "{\"type\":\"file\",\"oid\":\"abc\",\"size\":" + content.length + ",\"path\":\"" + path + "\"}"
                    : "{\"type\":\"file\",\"oid\":\"abc\",\"size\":" + content.length + ",\"path\":\"" + path + "\",\"lfs\":{\"oid\":\""
                            + sha256(content) + "\",\"size\":" + content.length + ",\"pointerSize\":134}}");
        });
        dirs.forEach(d -> entries.addFirst("{\"type\":\"directory\",\"oid\":\"def\",\"size\":0,\"path\":\"" + d + "\"}"));
        String query = ex.getRequestURI().getQuery();
        int from = query != null && query.contains("cursor=") ? Integer.parseInt(query.replaceAll(".*cursor=(\\d+).*", "$1")) : 0;
        int to = pageSize > 0 ? Math.min(entries.size(), from + pageSize) : entries.size();
        if (to < entries.size()) {
            ex.getResponseHeaders().add("Link", "</api/models/" + repo + "/tree/main?recursive=true&cursor=" + to + ">; rel=\"next\"");
        }
        byte[] body = ("[" + String.join(",", entries.subList(from, to)) + "]").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private void handleCdn(HttpExchange ex) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        byte[] content = blobs.get(ex.getRequestURI().getPath().substring("/blobs/".length()));
        if (content == null) {
            requests.add(new Request("cdn", ex.getRequestURI().getPath(), range, auth, 0));
            error(ex, 404, "");
            return;
        }
        if (corrupt) {
            content = content.clone();
            content[content.length / 2] ^= 1;
        }
        int start = 0;
        if (range != null) {
            start = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            if (start >= content.length) {
                requests.add(new Request("cdn", ex.getRequestURI().getPath(), range, auth, 0));
                ex.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                ex.sendResponseHeaders(416, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - start;
        long limit = length;
        boolean drop = drops.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        long stall = stallAfter;
        stallAfter = -1;
        if (drop) limit = Math.min(limit, dropAfter);
        if (stall >= 0) limit = Math.min(limit, stall);
        requests.add(new Request("cdn", ex.getRequestURI().getPath(), range, auth, limit));
        ex.sendResponseHeaders(range != null ? 206 : 200, length);
        OutputStream out = ex.getResponseBody();
        out.write(content, start, (int) limit);
        out.flush();
        if (stall >= 0) pause(30_000);
        // Throwing from the handler makes the JDK server close the connection: the client sees a truncated body.
        // A pause first lets the client take in what was sent (a reset can discard data the client has not read).
        if (drop) pause(200);
        if (drop || stall >= 0) throw new IOException("connection dropped on purpose after " + limit + " bytes");
        out.close();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        byte[] body = ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        if (!code.isEmpty()) ex.getResponseHeaders().add("X-Error-Code", code);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        api.stop(0);
        cdn.stop(0);
        executor.shutdownNow();
    }
}
