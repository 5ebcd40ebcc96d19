package io.qwen4j.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The local model store. Files mirror their repository ({@code HOME/models/ORG/REPO/PATH}); a model counts as present
 * only once its manifest ({@code HOME/manifests/ORG/REPO/QUANT.json}: repo, quant, files with size and sha256) is
 * written, which happens after every file is verified and in place, so an interrupted pull is never listed.
 */
public final class ModelStore {
    private final Path home;

    public ModelStore(Path home) {
        this.home = home;
    }

    public Path home() {
        return home;
    }

    public Path modelsDir() {
        return home.resolve("models");
    }

    public Path manifestsDir() {
        return home.resolve("manifests");
    }

    public Path repoDir(String repo) {
        return modelsDir().resolve(repo);
    }

    Path manifestPath(String repo, String quant) {
        return manifestsDir().resolve(repo).resolve(quant + ".json");
    }

    /** Every model in the store, sorted by repository and quant; a damaged manifest is skipped, not fatal. */
    public List<LocalModel> list() throws IOException {
        Path dir = manifestsDir();
        if (!Files.isDirectory(dir)) return List.of();
        var out = new ArrayList<LocalModel>();
        try (Stream<Path> paths = Files.find(dir, 3, (p, a) -> a.isRegularFile() && p.toString().endsWith(".json"))) {
            for (Path p : paths.toList()) read(p).ifPresent(out::add);
        }
        out.sort(Comparator.comparing((LocalModel m) -> m.model().repo()).thenComparing(m -> m.model().quant()));
        return out;
    }

    /** The stored models of one repository. */
    public List<LocalModel> list(String repo) throws IOException {
        return list().stream().filter(m -> m.model().repo().equals(repo)).toList();
    }

    /**
     * The stored model a reference names, if any: the quant matched as a pull would match it, or with no quant the
     * default quant among those stored. Only models whose files are all present count.
     */
    public Optional<LocalModel> find(ModelRef ref) throws IOException {
        var byQuant = new java.util.TreeMap<String, LocalModel>();
        for (LocalModel m : list(ref.repo())) {
            if (m.paths().stream().allMatch(Files::isRegularFile)) byQuant.put(m.model().quant(), m);
        }
        if (byQuant.isEmpty()) return Optional.empty();
        if (ref.quant() == null) return QuantPicker.preferred(byQuant.keySet()).or(() -> Optional.of(byQuant.firstKey())).map(byQuant::get);
        var matches = QuantPicker.matching(byQuant.keySet(), ref.quant());
        return matches.size() == 1 ? Optional.of(byQuant.get(matches.getFirst())) : Optional.empty();
    }

    /** Writes the manifest of a model whose files are in place; the manifest appears atomically. */
    public LocalModel save(RepoModel model) throws IOException {
        var local = new LocalModel(model, repoDir(model.repo()), Instant.now());
        Path path = manifestPath(model.repo(), model.quant());
        Files.createDirectories(path.getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(tmp, toJson(local), StandardCharsets.UTF_8);
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return local;
    }

    /**
     * Removes a model: the manifest first (so it stops being listed), then its files, then folders left empty.
     *
     * @throws HubException when the reference names no stored model, or several (listing them)
     */
    public LocalModel remove(ModelRef ref) throws IOException {
        var stored = list(ref.repo());
        LocalModel target;
        if (ref.quant() != null) {
            var byQuant = stored.stream().filter(m -> QuantPicker.matching(List.of(m.model().quant()), ref.quant()).size() == 1).toList();
            var exact = byQuant.stream().filter(m -> m.model().quant().equalsIgnoreCase(ref.quant())).toList();
            var candidates = exact.isEmpty() ? byQuant : exact;
            if (candidates.isEmpty()) throw new HubException("no stored model " + ref + (stored.isEmpty() ? "" : "; stored: " + names(stored)));
            if (candidates.size() > 1) throw new HubException(ref + " names several stored models: " + names(candidates));
            target = candidates.getFirst();
        } else {
            if (stored.isEmpty()) throw new HubException("no stored model " + ref);
            if (stored.size() > 1) throw new HubException(ref + " names several stored models, add the quant: " + names(stored));
            target = stored.getFirst();
        }
        Files.deleteIfExists(manifestPath(target.model().repo(), target.model().quant()));
        for (Path p : target.paths()) {
            Files.deleteIfExists(p);
            Files.deleteIfExists(FileDownloader.partOf(p));
        }
        for (Path p : target.paths()) pruneEmpty(p.getParent(), modelsDir());
        pruneEmpty(manifestPath(target.model().repo(), target.model().quant()).getParent(), manifestsDir());
        return target;
    }

    private static String names(List<LocalModel> models) {
        return String.join(", ", models.stream().map(m -> m.ref().toString()).toList());
    }

    private static void pruneEmpty(Path dir, Path stop) throws IOException {
        for (Path d = dir; d != null && d.startsWith(stop) && !d.equals(stop); d = d.getParent()) {
            try {
                Files.deleteIfExists(d);
            } catch (DirectoryNotEmptyException e) {
                return;
            }
        }
    }

    private Optional<LocalModel> read(Path manifest) throws IOException {
        try {
            var json = (Map<?, ?>) Json.parse(Files.readString(manifest, StandardCharsets.UTF_8), manifest.toString());
            String repo = (String) json.get("repo");
            var files = new ArrayList<RepoFile>();
            for (Object o : (List<?>) json.get("files")) {
                var f = (Map<?, ?>) o;
                files.add(new RepoFile((String) f.get("path"), ((Number) f.get("size")).longValue(), (String) f.get("sha256")));
            }
            var model = new RepoModel(repo, (String) json.get("quant"), files);
            new ModelRef(repo, model.quant(), null); // validates the names before they become paths
            return Optional.of(new LocalModel(model, repoDir(repo), Instant.parse((String) json.get("pulled"))));
        } catch (ClassCastException | NullPointerException | IllegalArgumentException | DateTimeParseException e) {
            // A hand-edited or truncated manifest: skip it rather than fail every command.
            System.getLogger(ModelStore.class.getName()).log(System.Logger.Level.WARNING,
                    "skipping damaged manifest " + manifest + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static String toJson(LocalModel m) {
        var sb = new StringBuilder();
        sb.append("{\n  \"ref\": ").append(Json.quote(m.ref().toString()))
                .append(",\n  \"repo\": ").append(Json.quote(m.model().repo()))
                .append(",\n  \"quant\": ").append(Json.quote(m.model().quant()))
                .append(",\n  \"pulled\": ").append(Json.quote(m.pulled().toString()))
                .append(",\n  \"files\": [");
        var files = m.model().files();
        for (int i = 0; i < files.size(); i++) {
            RepoFile f = files.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"path\": ").append(Json.quote(f.path()))
                    .append(", \"size\": ").append(f.size())
                    .append(", \"sha256\": ").append(f.sha256() == null ? "null" : Json.quote(f.sha256())).append('}');
        }
        return sb.append("\n  ]\n}\n").toString();
    }
}
