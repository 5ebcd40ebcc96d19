package io.qwen4j.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The two Hugging Face endpoints a pull needs, over the JDK's HTTP client: the repository tree
 * ({@code GET /api/models/ORG/REPO/tree/main?recursive=true}, paginated with {@code Link: <...>; rel="next"}) and
 * file content ({@code GET /ORG/REPO/resolve/main/PATH}, which redirects to a CDN). Redirects are followed here,
 * not by the client, so that the token goes to the endpoint's host only (as curl does; a presigned CDN URL
 * refuses a second credential).
 */
final class HfClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REDIRECTS = 10;
    private static final int MAX_LISTING_BYTES = 64 << 20;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HubConfig config;
    private final HttpClient http;

    HfClient(HubConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Every file of the repository's main branch, with sizes and LFS sha256 hashes. */
    List<RepoFile> listFiles(String repo) throws IOException {
        var files = new ArrayList<RepoFile>();
        URI next = URI.create(config.endpoint() + "/api/models/" + repo + "/tree/main?recursive=true");
        for (int page = 0; next != null; page++) {
            if (page == 1000) throw new HubException("listing of " + repo + " does not end (more than 1000 pages)");
            var response = send(next, Map.of(), repo, null);
            String body;
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_LISTING_BYTES + 1);
                if (bytes.length > MAX_LISTING_BYTES) throw new HubException("listing of " + repo + " is larger than 64 MiB");
                body = new String(bytes, StandardCharsets.UTF_8);
            }
            parseTree(body, repo, files);
            next = response.headers().allValues("link").stream()
                    .map(NEXT_LINK::matcher).filter(java.util.regex.Matcher::find)
                    .map(m -> response.uri().resolve(m.group(1))).findFirst().orElse(null);
        }
        return files;
    }

    private static void parseTree(String body, String repo, List<RepoFile> out) throws HubException {
        try {
            if (!(Json.parse(body, "the file listing of " + repo) instanceof List<?> entries)) {
                throw new HubException("file listing of " + repo + " is not a JSON array");
            }
            for (Object e : entries) {
                if (!(e instanceof Map<?, ?> entry) || !"file".equals(entry.get("type"))) continue;
                String path = (String) entry.get("path");
                long size = ((Number) entry.get("size")).longValue();
                String sha256 = null;
                if (entry.get("lfs") instanceof Map<?, ?> lfs) {
                    sha256 = (String) lfs.get("oid");
                    if (lfs.get("size") instanceof Number n) size = n.longValue();
                }
                out.add(new RepoFile(Objects.requireNonNull(path, "path"), size, sha256));
            }
        } catch (ClassCastException | NullPointerException | IllegalArgumentException ex) {
            throw new HubException("unexpected file listing of " + repo + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Opens the content of one file from byte {@code offset} on (a Range request when offset > 0). The caller
     * checks the status: 200 (whole file), 206 (from offset) or 416 (offset at or past the end).
     */
    HttpResponse<InputStream> openFile(String repo, String path, long offset) throws IOException {
        URI uri = URI.create(config.endpoint() + "/" + repo + "/resolve/main/" + encodePath(path));
        Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
        return send(uri, headers, repo, path);
    }

    private static String encodePath(String path) {
        var out = new StringBuilder();
        for (String segment : path.split("/")) {
            if (!out.isEmpty()) out.append('/');
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    /** GET with manual redirects; statuses other than 2xx and 416 become a {@link HubException} saying what is wrong. */
    private HttpResponse<InputStream> send(URI uri, Map<String, String> headers, String repo, String path) throws IOException {
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            var request = HttpRequest.newBuilder(uri).GET().timeout(ANSWER_TIMEOUT)
                    .header("User-Agent", "qwen4j/" + version());
            if (config.token() != null && sameOrigin(uri, config.endpoint())) {
                request.header("Authorization", "Bearer " + config.token());
            }
            headers.forEach(request::header);
            HttpResponse<InputStream> response = exchange(request.build());
            int status = response.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                String location = response.headers().firstValue("location").orElse(null);
                response.body().close();
                if (location == null) throw new HubException(uri.getHost() + " answered HTTP " + status + " without a location for " + uri);
                uri = uri.resolve(location);
                continue;
            }
            if (status / 100 == 2 || status == 416) return response;
            String code = response.headers().firstValue("x-error-code").orElse("");
            response.body().close();
            throw failure(status, code, repo, path, uri);
        }
        throw new HubException("more than " + MAX_REDIRECTS + " redirects for " + uri);
    }

    private HubException failure(int status, String code, String repo, String path, URI uri) {
        String host = config.hostName();
        return switch (status) {
            case 401, 403 -> {
                if (code.equals("GatedRepo")) {
                    yield new HubException("repository " + repo + " is gated: accept its terms at " + config.endpoint() + "/" + repo
                            + (config.token() == null ? " and set HF_TOKEN" : " with the account of HF_TOKEN"));
                }
                yield new HubException(config.token() == null
                        ? "repository not found: " + repo + " (HTTP " + status + "; if it is private or gated, set HF_TOKEN)"
                        : "repository not found or access denied: " + repo + " (HTTP " + status + " with the given HF_TOKEN)");
            }
            case 404 -> new HubException(path != null && code.equals("EntryNotFound")
                    ? "file not found in " + repo + ": " + path
                    : "repository not found: " + repo + (code.equals("RevisionNotFound") ? " (no main branch)" : ""));
            case 429 -> new HubException(host + " is rate limiting requests (HTTP 429); try again later"
                    + (config.token() == null ? " or set HF_TOKEN" : ""));
            default -> new HubException(uri.getHost() + " answered HTTP " + status + " for " + uri);
        };
    }

    private HttpResponse<InputStream> exchange(HttpRequest request) throws IOException {
        String host = request.uri().getHost();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw new HubException("cannot reach " + host + ": connection timed out (offline?)", e);
        } catch (HttpTimeoutException e) {
            throw new HubException(host + " did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new HubException("cannot reach " + host + ": " + reason(e) + " (offline?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while talking to " + host, e);
        } catch (IOException e) {
            throw new HubException("connection to " + host + " failed: " + reason(e), e);
        }
    }

    /** The innermost useful description: the JDK wraps DNS failures as a ConnectException without a message. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) return "unknown host";
            // A refused connection surfaces as ConnectException(null) over ClosedChannelException.
            if (t instanceof java.nio.channels.ClosedChannelException && e instanceof ConnectException) return "connection refused";
        }
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String version() {
        String v = HfClient.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
