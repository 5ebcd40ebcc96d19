package io.qwen4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class StopStringsPropertiesTest {

    /** A small alphabet, so that stop strings occur and partially occur often. */
    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().withChars("abc<>").ofMaxLength(40);
    }

    @Provide
    Arbitrary<List<String>> stops() {
        return Arbitraries.strings().withChars("abc<>").ofMaxLength(5).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 40).list().ofMaxSize(12);
    }

    @Property(tries = 2000)
    void emitsAreTheTextCutAtTheFirstStopForAnySplit(@ForAll("text") String text, @ForAll("stops") List<String> stops,
                                                       @ForAll("cuts") List<Integer> cuts) {
        int stopAt = firstStop(text, stops);
        String expected = stopAt < 0 ? text : text.substring(0, stopAt);

        var filter = new StopStrings(stops);
        var emitted = new StringBuilder();
        boolean stopped = false;
        for (String delta : split(text, cuts)) {
            var result = filter.push(delta);
            emitted.append(result.emit());
            // Never ahead of the final answer: nothing from a stop string that completes later is ever shown.
            assertThat(expected).startsWith(emitted);
            if (result.stopped()) {
                stopped = true;
                break;
            }
        }
        if (!stopped) emitted.append(filter.flush());

        assertThat(emitted.toString()).isEqualTo(expected);
        assertThat(stopped).isEqualTo(stopAt >= 0);
    }

    /**
     * Where the text is cut: the start of the stop string that completes first (smallest end), the longest one
     * when several end at the same place; -1 when none occurs.
     */
    static int firstStop(String text, List<String> stops) {
        for (int end = 1; end <= text.length(); end++) {
            int best = -1;
            for (String stop : stops) {
                int start = end - stop.length();
                if (!stop.isEmpty() && start >= 0 && text.startsWith(stop, start) && (best < 0 || start < best)) best = start;
            }
            if (best >= 0) return best;
        }
        return -1;
    }

    private static List<String> split(String text, List<Integer> cuts) {
        var points = new TreeSet<Integer>();
        for (int c : cuts) if (c <= text.length()) points.add(c);
        points.add(text.length());
        var pieces = new ArrayList<String>();
        int from = 0;
        for (int to : points) {
            pieces.add(text.substring(from, to)); // may be empty: empty deltas are allowed too
            from = to;
        }
        return pieces;
    }
}
