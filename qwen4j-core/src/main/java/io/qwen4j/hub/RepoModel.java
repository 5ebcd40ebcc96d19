package io.qwen4j.hub;

import java.util.List;

/**
 * One model of a repository: a GGUF file, or all parts of a split one ({@code -00001-of-00003.gguf} ...) in order.
 *
 * @param repo  {@code ORG/REPO}
 * @param quant the quantization label read from the file name ({@code Q4_K_M}, {@code UD-Q4_K_XL}, {@code BF16})
 * @param files the file, or the parts in order; the first is the one a loader opens
 */
public record RepoModel(String repo, String quant, List<RepoFile> files) {
    public RepoModel {
        if (files.isEmpty()) throw new IllegalArgumentException("a model has at least one file");
        files = List.copyOf(files);
    }

    public long size() {
        return files.stream().mapToLong(RepoFile::size).sum();
    }
}
