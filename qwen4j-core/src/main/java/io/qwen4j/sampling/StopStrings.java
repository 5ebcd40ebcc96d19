package io.qwen4j.sampling;

import java.util.List;

/**
 * Cuts streamed text at the first stop string, without ever showing the start of a stop string that may still
 * complete. Text that could be the beginning of a stop string is held back until the next delta settles it
 * (as llama.cpp server's {@code find_stopping_strings} with its partial-match check).
 *
 * <p>"First" means the stop string that completes first while the text streams in; among several completing at the
 * same character, the longest (the one that starts earliest) is cut. The stop string itself is never emitted.
 * After a stop, further pushes emit nothing. Not thread-safe: one instance per generation.
 */
public final class StopStrings {
    private final List<String> stops;
    private final int longest;
    private String pending = ""; // held back: a proper prefix of some stop string
    private boolean stopped;

    /** Empty strings are ignored; with no stop strings every delta is emitted as it comes. */
    public StopStrings(List<String> stops) {
        if (stops == null) throw new IllegalArgumentException("StopStrings: stops must not be null");
        for (int i = 0; i < stops.size(); i++)
            if (stops.get(i) == null) throw new IllegalArgumentException("StopStrings: stop string " + i + " is null");
        this.stops = stops.stream().filter(s -> !s.isEmpty()).distinct().toList();
        this.longest = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /**
     * @param emit    the text now safe to show
     * @param stopped whether a stop string completed (then {@code emit} is the text before it)
     */
    public record Result(String emit, boolean stopped) {}

    /** Feeds the next piece of generated text. */
    public Result push(String delta) {
        if (delta == null) throw new IllegalArgumentException("StopStrings.push: delta must not be null");
        if (stopped) return new Result("", true);
        if (stops.isEmpty()) return new Result(delta, false);
        pending = pending + delta;

        // The first occurrence of each stop string is its earliest end; pending held no complete stop before.
        int bestStart = -1, bestEnd = Integer.MAX_VALUE;
        for (String stop : stops) {
            int start = pending.indexOf(stop);
            if (start < 0) continue;
            int end = start + stop.length();
            if (end < bestEnd || (end == bestEnd && start < bestStart)) {
                bestStart = start;
                bestEnd = end;
            }
        }
        if (bestStart >= 0) {
            stopped = true;
            String emit = pending.substring(0, bestStart);
            pending = "";
            return new Result(emit, true);
        }

        int hold = heldBackLength();
        String emit = pending.substring(0, pending.length() - hold);
        pending = pending.substring(pending.length() - hold);
        return new Result(emit, false);
    }

    /** At the end of generation: the held-back text (empty after a stop). */
    public String flush() {
        String rest = pending;
        pending = "";
        return rest;
    }

    /** Length of the longest suffix of pending that is a proper prefix of some stop string. */
    private int heldBackLength() {
        int length = pending.length();
        for (int n = Math.min(length, longest - 1); n > 0; n--) {
            for (String stop : stops) {
                if (stop.length() > n && pending.regionMatches(length - n, stop, 0, n)) return n;
            }
        }
        return 0;
    }
}
