package io.qwen4j.hub;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A model in the local store, as its manifest describes it.
 *
 * @param model     the repository, quant and files it was pulled as
 * @param directory the store folder of the repository ({@code models/ORG/REPO})
 * @param pulled    when the pull completed
 */
public record LocalModel(RepoModel model, Path directory, Instant pulled) {
    /** The file to open: the model itself, or the first part of a split model. */
    public Path path() {
        return file(model.files().getFirst());
    }

    public Path file(RepoFile f) {
        return directory.resolve(f.path());
    }

    public List<Path> paths() {
        return model.files().stream().map(this::file).toList();
    }

    public long size() {
        return model.size();
    }

    /** The reference that names exactly this model: {@code hf.co/ORG/REPO:QUANT}. */
    public ModelRef ref() {
        return new ModelRef(model.repo(), model.quant(), null);
    }
}
