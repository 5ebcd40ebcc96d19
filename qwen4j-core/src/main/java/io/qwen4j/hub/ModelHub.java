package io.qwen4j.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pulls GGUF models from Hugging Face by name into the local store, like {@code ollama pull} and llama.cpp's
 * {@code -hf}:
 *
 * <pre>{@code
 * var hub = ModelHub.fromEnvironment();                       // HF_ENDPOINT, HF_TOKEN, QWEN4J_HOME
 * LocalModel m = hub.locate(ModelRef.parse("qwen3:0.6b"), ProgressBar.stderr());   // pulls when missing
 * try (var model = Model.open(m.path())) { ... }
 * }</pre>
 */
public final class ModelHub {
    private final HubConfig config;
    private final HfClient client;
    private final ModelStore store;

    public ModelHub(HubConfig config) {
        this.config = config;
        this.client = new HfClient(config);
        this.store = new ModelStore(config.home());
    }

    public static ModelHub fromEnvironment() {
        return new ModelHub(HubConfig.fromEnvironment(System.getenv()));
    }

    public HubConfig config() {
        return config;
    }

    public ModelStore store() {
        return store;
    }

    /** Asks the hub which files make up the model a reference names (no download). */
    public RepoModel resolve(ModelRef ref) throws IOException {
        return QuantPicker.pick(ref.repo(), client.listFiles(ref.repo()), ref.quant());
    }

    /** The stored model for the reference, pulled first when it is not in the store. */
    public LocalModel locate(ModelRef ref, DownloadProgress progress) throws IOException {
        Optional<LocalModel> stored = store.find(ref);
        return stored.isPresent() ? stored.get() : pull(ref, progress);
    }

    /**
     * Downloads the model (every part of a split one) into the store, skipping files already there with the same
     * hash, and writes its manifest last. Re-pulling an up-to-date model only lists the repository.
     */
    public LocalModel pull(ModelRef ref, DownloadProgress progress) throws IOException {
        RepoModel model = resolve(ref);
        progress.note(String.format(Locale.ROOT, "pulling %s (%.1f MB%s)", new ModelRef(model.repo(), model.quant(), null),
                model.size() / 1e6, model.files().size() > 1 ? " in " + model.files().size() + " parts" : ""));
        Map<String, String> known = new HashMap<>();
        for (LocalModel m : store.list(model.repo())) {
            for (RepoFile f : m.model().files()) if (f.sha256() != null) known.put(f.path(), f.sha256());
        }
        Path dir = store.repoDir(model.repo());
        for (RepoFile file : model.files()) {
            Path target = dir.resolve(file.path()).normalize();
            if (!target.startsWith(dir)) throw new HubException("unsafe file path in " + model.repo() + ": " + file.path());
            if (isPresent(file, target, known.get(file.path()))) {
                progress.note(String.format(Locale.ROOT, "%s: already present (%.1f MB)", file.path(), file.size() / 1e6));
                continue;
            }
            new FileDownloader(client, config).fetch(model.repo(), file, target, progress);
        }
        return store.save(model);
    }

    /** A file counts as present when its size matches and its hash is the listed one (from a manifest, or computed). */
    private static boolean isPresent(RepoFile file, Path target, String manifestSha) throws IOException {
        if (!Files.isRegularFile(target) || Files.size(target) != file.size()) return false;
        if (file.sha256() == null) return true;
        String have = manifestSha != null ? manifestSha : FileDownloader.sha256Of(target);
        return have.equals(file.sha256());
    }
}
