package io.qwen4j.hub;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where models come from and where they are kept.
 *
 * @param endpoint     the Hugging Face base URL ({@code HF_ENDPOINT}, default {@code https://huggingface.co})
 * @param token        sent as {@code Authorization: Bearer} to the endpoint's host ({@code HF_TOKEN}), or null
 * @param home         the store root ({@code QWEN4J_HOME}, default {@code ~/.cache/qwen4j}): models under
 *                     {@code home/models/ORG/REPO/FILE}, manifests under {@code home/manifests/ORG/REPO/QUANT.json}
 * @param stallTimeout a download that receives no byte for this long is abandoned (the partial file is kept)
 * @param retries      how many times an interrupted download is resumed before the pull fails
 */
public record HubConfig(URI endpoint, String token, Path home, Duration stallTimeout, int retries) {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    public HubConfig {
        String scheme = endpoint.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("HF_ENDPOINT must be an http(s) URL, got '" + endpoint + "'");
        }
        if (retries < 0) throw new IllegalArgumentException("retries must be >= 0, got " + retries);
        if (token != null && token.isBlank()) token = null;
    }

    /** Reads {@code HF_ENDPOINT}, {@code HF_TOKEN} and {@code QWEN4J_HOME} from the given environment. */
    public static HubConfig fromEnvironment(Map<String, String> env) {
        String endpoint = env.get("HF_ENDPOINT");
        URI uri;
        try {
            uri = endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : URI.create(endpoint.strip().replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT is not a URL: '" + endpoint + "'");
        }
        String home = env.get("QWEN4J_HOME");
        Path root = home != null && !home.isBlank()
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "qwen4j");
        return new HubConfig(uri, env.get("HF_TOKEN"), root, Duration.ofSeconds(60), 3);
    }

    public HubConfig withEndpoint(URI e) {
        return new HubConfig(e, token, home, stallTimeout, retries);
    }

    public HubConfig withToken(String t) {
        return new HubConfig(endpoint, t, home, stallTimeout, retries);
    }

    public HubConfig withStallTimeout(Duration d) {
        return new HubConfig(endpoint, token, home, d, retries);
    }

    public HubConfig withRetries(int r) {
        return new HubConfig(endpoint, token, home, stallTimeout, r);
    }

    /** The host name users know the endpoint by, for messages ("cannot reach huggingface.co"). */
    public String hostName() {
        return endpoint.getHost() + (endpoint.getPort() >= 0 ? ":" + endpoint.getPort() : "");
    }

    @Override
    public String toString() {
        // Never print the token.
        return "HubConfig[endpoint=" + endpoint + ", token=" + (token != null ? "***" : "none") + ", home=" + home + "]";
    }
}
