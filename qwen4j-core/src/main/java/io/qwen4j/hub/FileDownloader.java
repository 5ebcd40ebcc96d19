package io.qwen4j.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one repository file into the store: bytes go to {@code FILE.part} (resumed with an HTTP Range request
 * after an interruption), the sha256 is checked against the LFS hash, and only a verified file is moved, atomically,
 * to its final name. A hash or size mismatch deletes the partial file; an interruption keeps it for the next pull.
 */
final class FileDownloader {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final int BUFFER = 1 << 20;

    private final HfClient client;
    private final HubConfig config;

    FileDownloader(HfClient client, HubConfig config) {
        this.client = client;
        this.config = config;
    }

    /** The partial file of a target. */
    static Path partOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    void fetch(String repo, RepoFile file, Path target, DownloadProgress progress) throws IOException {
        Files.createDirectories(target.getParent());
        Path part = partOf(target);
        byte[] digest;
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock lock = tryLock(channel)) {
            if (lock == null) throw new HubException("another pull is downloading " + file.path() + " into " + part);
            if (channel.size() > 0) progress.note(String.format(Locale.ROOT, "resuming %s at %.1f of %.1f MB", file.path(), channel.size() / 1e6, file.size() / 1e6));
            digest = transferWithRetries(repo, file, channel, progress);
        }
        if (file.sha256() != null && !HexFormat.of().formatHex(digest).equals(file.sha256())) {
            Files.deleteIfExists(part);
            throw new HubException("sha256 mismatch for " + repo + "/" + file.path() + ": expected " + file.sha256()
                    + ", got " + HexFormat.of().formatHex(digest) + "; the download was deleted, pull again");
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        progress.finished(file.path());
    }

    /** The lock, or null when another process (or another pull in this one) holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    private byte[] transferWithRetries(String repo, RepoFile file, FileChannel channel, DownloadProgress progress) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return transfer(repo, file, channel, progress);
            } catch (Interrupted e) {
                long have = channel.size();
                if (attempt >= config.retries()) {
                    throw new HubException(String.format(Locale.ROOT,
                            "download of %s interrupted at %.1f of %.1f MB (%s); the partial file is kept, pull again to resume",
                            file.path(), have / 1e6, file.size() / 1e6, e.getMessage()), e.getCause());
                }
                progress.note(String.format(Locale.ROOT, "download of %s interrupted (%s); resuming at %.1f MB",
                        file.path(), e.getMessage(), have / 1e6));
                sleep(Duration.ofMillis(500L * (attempt + 1)));
            }
        }
    }

    /** A transport failure mid-body: worth resuming. Protocol and hash failures are {@link HubException}s instead. */
    private static final class Interrupted extends Exception {
        Interrupted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Brings the part file to the full size, from where it stands; returns the sha256 of the whole content. */
    private byte[] transfer(String repo, RepoFile file, FileChannel channel, DownloadProgress progress) throws IOException, Interrupted {
        MessageDigest sha = sha256();
        long offset = channel.size();
        if (offset > file.size()) {
            channel.truncate(0);
            offset = 0;
        }
        hashPrefix(channel, offset, sha);
        var response = client.openFile(repo, file.path(), offset);
        int status = response.statusCode();
        try (InputStream body = response.body()) {
            if (status == 416) {
                // The server has nothing past our offset: the part is complete if its size is the listed size.
                if (offset == file.size()) return sha.digest();
                channel.truncate(0);
                throw new Interrupted("the server refused to resume", null);
            }
            if (offset > 0 && status == 206) {
                long start = contentRangeStart(response.headers().firstValue("content-range").orElse(""));
                if (start != offset) throw new HubException("server resumed " + file.path() + " at byte " + start + ", asked for " + offset);
            } else if (status == 200 && offset > 0) {
                // The server ignored the Range header: start over.
                channel.truncate(0);
                sha.reset();
                offset = 0;
            } else if (status != 200) {
                throw new HubException("unexpected HTTP " + status + " for " + repo + "/" + file.path());
            }
            copy(body, channel, offset, file, sha, progress);
        }
        return sha.digest();
    }

    private void copy(InputStream body, FileChannel channel, long offset, RepoFile file, MessageDigest sha, DownloadProgress progress)
            throws IOException, Interrupted {
        long done = offset;
        channel.position(offset);
        byte[] buffer = new byte[BUFFER];
        progress.update(file.path(), done, file.size());
        try (var guard = new StallGuard(Thread.currentThread(), config.stallTimeout())) {
            while (true) {
                int n = guard.read(body, buffer);
                if (n < 0) break;
                if (done + n > file.size()) {
                    channel.truncate(0);
                    throw new HubException("server sent more than the " + file.size() + " bytes listed for " + file.path());
                }
                channel.write(ByteBuffer.wrap(buffer, 0, n));
                sha.update(buffer, 0, n);
                done += n;
                progress.update(file.path(), done, file.size());
            }
        }
        if (done < file.size()) throw new Interrupted("connection closed early", null);
        channel.force(false);
    }

    private static String describe(IOException e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static void hashPrefix(FileChannel channel, long length, MessageDigest sha) throws IOException {
        var buffer = ByteBuffer.allocate(BUFFER);
        for (long pos = 0; pos < length; ) {
            buffer.clear().limit((int) Math.min(BUFFER, length - pos));
            int n = channel.read(buffer, pos);
            if (n < 0) throw new IOException("partial file shrank while hashing it");
            sha.update(buffer.flip());
            pos += n;
        }
    }

    /** Hashes a complete file (used for a file found in the store without a manifest). */
    static String sha256Of(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            hashPrefix(channel, channel.size(), sha);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static long contentRangeStart(String header) throws HubException {
        Matcher m = CONTENT_RANGE.matcher(header);
        if (!m.find()) throw new HubException("server answered 206 without a valid Content-Range ('" + header + "')");
        return Long.parseLong(m.group(1));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void sleep(Duration d) throws HubException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted", e);
        }
    }

    /**
     * Interrupts the downloading thread when no byte has arrived for the stall timeout; the JDK HTTP client's body
     * stream turns the interrupt into an IOException, so a silent server cannot hang a pull. The interrupt is only
     * delivered inside {@link #read} (an interrupt during a FileChannel write would close the channel).
     */
    private static final class StallGuard implements AutoCloseable {
        private final Thread watcher;
        private final long limitNanos;
        private long lastProgress = System.nanoTime();
        private boolean reading;
        private boolean fired;
        private boolean closed;

        StallGuard(Thread watched, Duration timeout) {
            this.limitNanos = timeout.toNanos();
            long tick = Math.clamp(limitNanos / 4_000_000, 10, 1000);
            this.watcher = Thread.ofPlatform().daemon().name("qwen4j-stall-guard").start(() -> {
                while (true) {
                    synchronized (this) {
                        if (closed || fired) return;
                        if (reading && System.nanoTime() - lastProgress > limitNanos) {
                            fired = true;
                            watched.interrupt();
                            return;
                        }
                    }
                    try {
                        Thread.sleep(tick);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        int read(InputStream in, byte[] buffer) throws Interrupted {
            synchronized (this) {
                reading = true;
            }
            IOException failure = null;
            int n = -1;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                failure = e;
            }
            synchronized (this) {
                reading = false;
                lastProgress = System.nanoTime();
                if (fired) {
                    Thread.interrupted();
                    throw new Interrupted("no data for " + Math.round(limitNanos / 1e9) + " s", failure);
                }
            }
            if (failure != null) throw new Interrupted(describe(failure), failure);
            return n;
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
            }
            watcher.interrupt();
        }
    }
}
