package io.qwen4j.hub;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar ({@code file [#####.....]  42%  210.3/500.0 MB  35.2 MB/s}), redrawn with a carriage
 * return at most ten times a second; when the stream is not a terminal it prints a line every 10% instead.
 */
public final class ProgressBar implements DownloadProgress {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private String file;
    private long startNanos;
    private long startBytes;
    private long lastDraw;
    private int lastDecile = -1;

    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar on stderr, redrawn in place when there is a console. */
    public static ProgressBar stderr() {
        return new ProgressBar(System.err, System.console() != null);
    }

    @Override
    public void update(String name, long done, long total) {
        long now = System.nanoTime();
        if (!name.equals(file)) {
            file = name;
            startNanos = now;
            startBytes = done;
            lastDraw = 0;
            lastDecile = -1;
        }
        int decile = total > 0 ? (int) (done * 10 / total) : 0;
        if (terminal ? now - lastDraw < 100_000_000L && done < total : decile == lastDecile) return;
        lastDraw = now;
        lastDecile = decile;
        out.print((terminal ? "\r" : "") + line(done, total, now) + (terminal ? "" : System.lineSeparator()));
        out.flush();
    }

    @Override
    public void finished(String name) {
        if (terminal) out.println();
        out.flush();
        file = null;
    }

    @Override
    public void note(String message) {
        out.println(message);
        out.flush();
    }

    String line(long done, long total, long now) {
        double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - startBytes) / 1e6 / seconds : 0;
        return String.format(Locale.ROOT, "%s [%s%s] %3d%% %8.1f/%.1f MB %7.1f MB/s",
                shortName(file), "#".repeat(filled), ".".repeat(WIDTH - filled), Math.round(fraction * 100),
                done / 1e6, total / 1e6, rate);
    }

    private static String shortName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.length() <= 40 ? name : name.substring(0, 18) + "..." + name.substring(name.length() - 19);
    }
}
