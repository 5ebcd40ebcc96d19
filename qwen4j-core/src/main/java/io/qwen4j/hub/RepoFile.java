package io.qwen4j.hub;

/**
 * One file of a repository as the tree API lists it.
 *
 * @param path   path inside the repository ({@code Q8_0/model-00001-of-00002.gguf})
 * @param size   bytes
 * @param sha256 the LFS object id (hex sha256 of the content), or null for a file not stored in LFS
 */
public record RepoFile(String path, long size, String sha256) {
    public RepoFile {
        // Paths become file names in the store: refuse anything that could step outside the repository's folder.
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")
                || ("/" + path + "/").contains("/../") || ("/" + path + "/").contains("/./") || path.contains("//")) {
            throw new IllegalArgumentException("unsafe file path in repository listing: '" + path + "'");
        }
        if (size < 0) throw new IllegalArgumentException("negative size for " + path);
        if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 for " + path + ": '" + sha256 + "'");
        }
    }

    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
