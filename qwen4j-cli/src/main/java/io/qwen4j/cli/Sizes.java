package io.qwen4j.cli;

import java.util.Locale;

/** Byte counts for people: decimal units, as Hugging Face and Ollama show sizes. */
final class Sizes {
    private Sizes() {}

    static String format(long bytes) {
        if (bytes < 1_000_000) return String.format(Locale.ROOT, "%.1f KB", bytes / 1e3);
        if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
}
