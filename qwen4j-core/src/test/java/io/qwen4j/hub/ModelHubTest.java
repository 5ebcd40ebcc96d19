package io.qwen4j.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls against a local imitation of Hugging Face: content, manifests, resume, hashes, errors, the store. */
class ModelHubTest {
    static final String REPO = "Qwen/Qwen3-0.6B-GGUF";

    @TempDir
    Path home;

    FakeHub server;
    final byte[] q8 = bytes(300_000, 1);
    final byte[] q4 = bytes(170_000, 2);

    @BeforeEach
    void start() throws IOException {
        server = new FakeHub()
                .add(REPO, "Qwen3-0.6B-Q8_0.gguf", q8)
                .add(REPO, "README.md", "# model card".getBytes(StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    HubConfig config() {
        return new HubConfig(server.endpoint(), null, home, Duration.ofSeconds(20), 0);
    }

    ModelHub hub() {
        return new ModelHub(config());
    }

    /** Every regular file under the store's models folder. */
    List<Path> storedFiles() throws IOException {
        Path models = home.resolve("models");
        if (!Files.exists(models)) return List.of();
        try (Stream<Path> s = Files.walk(models)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void completePullStoresTheFileAndItsManifest() throws IOException {
        LocalModel m = hub().pull(ModelRef.parse("hf.co/" + REPO), DownloadProgress.NONE);

        assertThat(m.model().quant()).isEqualTo("Q8_0");
        assertThat(m.path()).isEqualTo(home.resolve("models/Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf"));
        assertThat(Files.readAllBytes(m.path())).isEqualTo(q8);
        assertThat(storedFiles()).containsExactly(m.path());
        String manifest = Files.readString(home.resolve("manifests/Qwen/Qwen3-0.6B-GGUF/Q8_0.json"));
        assertThat(manifest).contains("\"ref\": \"hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0\"", "\"size\": 300000",
                "\"sha256\": \"" + FakeHub.sha256(q8) + "\"");
        var listed = hub().store().list();
        assertThat(listed).hasSize(1);
        assertThat(listed.getFirst().size()).isEqualTo(300_000);
        assertThat(listed.getFirst().path()).isEqualTo(m.path());
        // The content came from the CDN after the resolve redirect, in one request without a Range.
        assertThat(server.cdnRequests()).singleElement().satisfies(r -> {
            assertThat(r.range()).isNull();
            assertThat(r.bytesSent()).isEqualTo(300_000);
        });
    }

    @Test
    void pullingAgainDownloadsNothing() throws IOException {
        hub().pull(ModelRef.parse(REPO), DownloadProgress.NONE);
        hub().pull(ModelRef.parse(REPO), DownloadProgress.NONE);
        assertThat(server.cdnRequests()).hasSize(1);
    }

    @Test
    void interruptedPullKeepsThePartAndTheNextPullResumesWithARange() throws IOException {
        server.dropAfter = 120_000;
        server.drops.set(1);
        var ref = ModelRef.parse(REPO);

        assertThatThrownBy(() -> hub().pull(ref, DownloadProgress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("download of Qwen3-0.6B-Q8_0.gguf interrupted at 0.1 of 0.3 MB")
                .hasMessageContaining("pull again to resume");
        Path target = home.resolve("models/Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf");
        assertThat(target).doesNotExist();
        // What the client kept of the 120000 bytes sent (a connection reset may lose a little of it).
        long kept = Files.size(FileDownloader.partOf(target));
        assertThat(kept).isBetween(1L, 120_000L);
        assertThat(hub().store().list()).isEmpty();

        LocalModel m = hub().pull(ref, DownloadProgress.NONE);

        assertThat(Files.readAllBytes(m.path())).isEqualTo(q8);
        assertThat(FileDownloader.partOf(target)).doesNotExist();
        var cdn = server.cdnRequests();
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(1).range()).isEqualTo("bytes=" + kept + "-");
        assertThat(cdn.get(1).bytesSent()).isEqualTo(300_000 - kept);
    }

    @Test
    void oneInterruptionIsResumedWithinThePullWhenRetriesAllow() throws IOException {
        server.dropAfter = 50_000;
        server.drops.set(1);
        LocalModel m = new ModelHub(config().withRetries(1)).pull(ModelRef.parse(REPO), DownloadProgress.NONE);
        assertThat(Files.readAllBytes(m.path())).isEqualTo(q8);
        var cdn = server.cdnRequests();
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(0).range()).isNull();
        assertThat(cdn.get(1).range()).matches("bytes=[1-9][0-9]*-");
        assertThat(cdn.get(0).bytesSent()).isEqualTo(50_000);
    }

    @Test
    void aStalledDownloadFailsInsteadOfHanging() {
        server.stallAfter = 10_000;
        var hub = new ModelHub(config().withStallTimeout(Duration.ofMillis(500)));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> hub.pull(ModelRef.parse(REPO), DownloadProgress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("interrupted")
                .hasMessageContaining("no data for");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void corruptedDownloadIsRejectedByItsHashAndLeavesNothing() throws IOException {
        server.corrupt = true;
        assertThatThrownBy(() -> hub().pull(ModelRef.parse(REPO), DownloadProgress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("sha256 mismatch for Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf: expected " + FakeHub.sha256(q8))
                .hasMessageContaining("the download was deleted");
        assertThat(storedFiles()).isEmpty();
        assertThat(home.resolve("manifests")).doesNotExist();
        assertThat(hub().store().list()).isEmpty();
    }

    @Test
    void missingRepositoryIsNamed() {
        assertThatThrownBy(() -> hub().pull(ModelRef.parse("hf.co/Qwen/Nope-GGUF:Q4_K_M"), DownloadProgress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessage("repository not found: Qwen/Nope-GGUF");
    }

    @Test
    void missingQuantListsTheAvailableOnes() {
        server.add(REPO, "Qwen3-0.6B-Q4_K_M.gguf", q4);
        assertThatThrownBy(() -> hub().pull(ModelRef.parse(REPO + ":Q5_K_M"), DownloadProgress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessage("no Q5_K_M file in repository Qwen/Qwen3-0.6B-GGUF; available: Q4_K_M, Q8_0");
    }

    @Test
    void quantIsMatchedCaseInsensitivelyAndTheDefaultIsQ4KM() throws IOException {
        server.add(REPO, "Qwen3-0.6B-Q4_K_M.gguf", q4).add(REPO, "Qwen3-0.6B-Q4_K_S.gguf", bytes(10, 3));
        assertThat(hub().resolve(ModelRef.parse(REPO + ":q4_k_m")).files()).extracting(RepoFile::path).containsExactly("Qwen3-0.6B-Q4_K_M.gguf");
        assertThat(hub().resolve(ModelRef.parse(REPO)).quant()).isEqualTo("Q4_K_M");
    }

    @Test
    void splitModelsDownloadEveryPartInOrder() throws IOException {
        String repo = "Qwen/Qwen2.5-7B-Instruct-GGUF";
        byte[] p1 = bytes(200_000, 4);
        byte[] p2 = bytes(90_000, 5);
        server.add(repo, "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf", p2)
                .add(repo, "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", p1)
                .add(repo, "qwen2.5-7b-instruct-q8_0.gguf", bytes(1000, 6));

        LocalModel m = hub().pull(ModelRef.parse("qwen2.5:7b"), DownloadProgress.NONE);

        assertThat(m.model().quant()).isEqualTo("Q4_K_M");
        assertThat(m.model().files()).extracting(RepoFile::path)
                .containsExactly("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf");
        assertThat(m.path().getFileName().toString()).endsWith("00001-of-00002.gguf");
        assertThat(Files.readAllBytes(m.paths().get(0))).isEqualTo(p1);
        assertThat(Files.readAllBytes(m.paths().get(1))).isEqualTo(p2);
        assertThat(hub().store().list()).singleElement().satisfies(l -> assertThat(l.size()).isEqualTo(290_000));
    }

    @Test
    void aliasesPullTheirRepositoryAndDefaultQuant() throws IOException {
        LocalModel m = hub().pull(ModelRef.parse("qwen3:0.6b"), DownloadProgress.NONE);
        assertThat(m.model().repo()).isEqualTo(REPO);
        assertThat(m.model().quant()).isEqualTo("Q8_0");
        assertThat(server.apiRequests().getFirst().path()).isEqualTo("/api/models/Qwen/Qwen3-0.6B-GGUF/tree/main?recursive=true");
    }

    @Test
    void listingsArePaginated() throws IOException {
        server.pageSize = 1;
        server.add(REPO, "sub/Qwen3-0.6B-Q4_K_M.gguf", q4);
        var model = hub().resolve(ModelRef.parse(REPO + ":Q4_K_M"));
        assertThat(model.files()).extracting(RepoFile::path).containsExactly("sub/Qwen3-0.6B-Q4_K_M.gguf");
        assertThat(server.apiRequests()).hasSize(4); // a directory entry, two files, the README
    }

    @Test
    void listAndRemove() throws IOException {
        server.add(REPO, "Qwen3-0.6B-Q4_K_M.gguf", q4);
        var hub = hub();
        hub.pull(ModelRef.parse(REPO + ":Q8_0"), DownloadProgress.NONE);
        hub.pull(ModelRef.parse(REPO + ":Q4_K_M"), DownloadProgress.NONE);
        assertThat(hub.store().list()).extracting(m -> m.ref().toString())
                .containsExactly("hf.co/Qwen/Qwen3-0.6B-GGUF:Q4_K_M", "hf.co/Qwen/Qwen3-0.6B-GGUF:Q8_0");

        assertThatThrownBy(() -> hub.store().remove(ModelRef.parse(REPO)))
                .hasMessageContaining("names several stored models, add the quant");
        LocalModel removed = hub.store().remove(ModelRef.parse(REPO + ":q8_0"));

        assertThat(removed.path()).doesNotExist();
        assertThat(hub.store().list()).extracting(m -> m.model().quant()).containsExactly("Q4_K_M");
        hub.store().remove(ModelRef.parse(REPO));
        assertThat(hub.store().list()).isEmpty();
        assertThat(home.resolve("models/Qwen")).doesNotExist();
        assertThat(home.resolve("manifests/Qwen")).doesNotExist();
        assertThatThrownBy(() -> hub.store().remove(ModelRef.parse(REPO))).hasMessage("no stored model hf.co/Qwen/Qwen3-0.6B-GGUF");
    }

    @Test
    void locateUsesTheStoreWithoutTheNetwork() throws IOException {
        var hub = hub();
        LocalModel pulled = hub.locate(ModelRef.parse("qwen3:0.6b"), DownloadProgress.NONE);
        server.close();
        assertThat(hub.locate(ModelRef.parse("qwen3:0.6b"), DownloadProgress.NONE).path()).isEqualTo(pulled.path());
        assertThat(hub.locate(ModelRef.parse(REPO), DownloadProgress.NONE).path()).isEqualTo(pulled.path());
    }

    @Test
    void tokenIsSentAsBearerToTheHubButNotToTheCdn() throws IOException {
        server.requiredToken = "hf_secret";
        assertThatThrownBy(() -> hub().pull(ModelRef.parse(REPO), DownloadProgress.NONE))
                .hasMessage("repository not found: Qwen/Qwen3-0.6B-GGUF (HTTP 401; if it is private or gated, set HF_TOKEN)");

        var withToken = new ModelHub(config().withToken("hf_secret"));
        assertThat(Files.readAllBytes(withToken.pull(ModelRef.parse(REPO), DownloadProgress.NONE).path())).isEqualTo(q8);
        assertThat(server.apiRequests().getLast().authorization()).isEqualTo("Bearer hf_secret");
        assertThat(server.cdnRequests()).extracting(FakeHub.Request::authorization).containsOnlyNulls();
    }

    @Test
    void unreachableHostSaysSo() throws IOException {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var offline = new ModelHub(config().withEndpoint(URI.create("http://127.0.0.1:" + closedPort)));
        assertThatThrownBy(() -> offline.pull(ModelRef.parse(REPO), DownloadProgress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessage("cannot reach 127.0.0.1: connection refused (offline?)");
        var noDns = new ModelHub(config().withEndpoint(URI.create("http://no-such-host.invalid")));
        assertThatThrownBy(() -> noDns.pull(ModelRef.parse(REPO), DownloadProgress.NONE))
                .hasMessage("cannot reach no-such-host.invalid: unknown host (offline?)");
    }

    @Test
    void aDamagedManifestIsSkippedNotFatal() throws IOException {
        hub().pull(ModelRef.parse(REPO), DownloadProgress.NONE);
        Path other = home.resolve("manifests/Qwen/Other-GGUF/Q4_K_M.json");
        Files.createDirectories(other.getParent());
        Files.writeString(other, "{\"repo\": \"Qwen/Other-GGUF\", \"files\": [");
        assertThat(hub().store().list()).extracting(m -> m.model().repo()).containsExactly(REPO);
    }

    @Test
    void aConcurrentPullOfTheSameFileIsRefused() throws IOException {
        Path target = home.resolve("models/Qwen/Qwen3-0.6B-GGUF/Qwen3-0.6B-Q8_0.gguf");
        Files.createDirectories(target.getParent());
        try (var channel = java.nio.channels.FileChannel.open(FileDownloader.partOf(target),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var lock = channel.lock()) {
            assertThatThrownBy(() -> hub().pull(ModelRef.parse(REPO), DownloadProgress.NONE))
                    .hasMessageStartingWith("another pull is downloading Qwen3-0.6B-Q8_0.gguf");
        }
    }

    @Test
    void environmentChoosesEndpointTokenAndHome() {
        var c = HubConfig.fromEnvironment(java.util.Map.of("HF_ENDPOINT", "https://hf-mirror.example/", "HF_TOKEN", "t", "QWEN4J_HOME", "/x"));
        assertThat(c.endpoint()).isEqualTo(URI.create("https://hf-mirror.example"));
        assertThat(c.token()).isEqualTo("t");
        assertThat(c.home()).isEqualTo(Path.of("/x"));
        assertThat(c.toString()).contains("token=***").doesNotContain("=t,");
        var d = HubConfig.fromEnvironment(java.util.Map.of());
        assertThat(d.endpoint()).isEqualTo(HubConfig.DEFAULT_ENDPOINT);
        assertThat(d.home()).isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "qwen4j"));
        assertThat(new ModelStore(d.home()).modelsDir()).isEqualTo(d.home().resolve("models"));
        assertThatThrownBy(() -> HubConfig.fromEnvironment(java.util.Map.of("HF_ENDPOINT", "ftp://x"))).hasMessageContaining("http(s) URL");
    }
}
