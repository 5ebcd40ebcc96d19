package io.qwen4j.hub;

/** Receives the progress of a pull; called on the pulling thread. */
public interface DownloadProgress {
    /**
     * @param file  the repository path being downloaded
     * @param done  bytes of it on disk so far (including bytes kept from an earlier, interrupted pull)
     * @param total its size in bytes
     */
    void update(String file, long done, long total);

    /** The file is complete and verified. */
    default void finished(String file) {}

    /** A note for the user (resuming, retrying, already present). */
    default void note(String message) {}

    DownloadProgress NONE = (file, done, total) -> {};
}
