package io.qwen4j.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {

    @Test
    void withoutStopStringsEverythingPassesThrough() {
        var stops = new StopStrings(List.of("", ""));
        assertThat(stops.push("hello")).isEqualTo(new StopStrings.Result("hello", false));
        assertThat(stops.push("")).isEqualTo(new StopStrings.Result("", false));
        assertThat(stops.flush()).isEmpty();
    }

    @Test
    void stopInsideOneDeltaCutsBeforeIt() {
        var stops = new StopStrings(List.of("</s>"));
        assertThat(stops.push("answer</s>junk")).isEqualTo(new StopStrings.Result("answer", true));
        assertThat(stops.push("more")).isEqualTo(new StopStrings.Result("", true));
        assertThat(stops.flush()).isEmpty();
    }

    @Test
    void stopSplitAcrossManyDeltasIsHeldBackThenDropped() {
        var stops = new StopStrings(List.of("<|im_end|>"));
        assertThat(stops.push("Hi <")).isEqualTo(new StopStrings.Result("Hi ", false));
        assertThat(stops.push("|im")).isEqualTo(new StopStrings.Result("", false));
        assertThat(stops.push("_")).isEqualTo(new StopStrings.Result("", false));
        assertThat(stops.push("end|")).isEqualTo(new StopStrings.Result("", false));
        assertThat(stops.push(">tail")).isEqualTo(new StopStrings.Result("", true));
    }

    @Test
    void heldBackTextIsReleasedWhenItStopsMatching() {
        var stops = new StopStrings(List.of("<|im_end|>"));
        assertThat(stops.push("a <|im")).isEqualTo(new StopStrings.Result("a ", false));
        assertThat(stops.push("port")).isEqualTo(new StopStrings.Result("<|import", false));
    }

    @Test
    void flushReturnsTheHeldBackText() {
        var stops = new StopStrings(List.of("STOP"));
        assertThat(stops.push("text ST")).isEqualTo(new StopStrings.Result("text ", false));
        assertThat(stops.flush()).isEqualTo("ST");
        assertThat(stops.flush()).isEmpty();
    }

    @Test
    void stopAtTheVeryStart() {
        var stops = new StopStrings(List.of("###"));
        assertThat(stops.push("#")).isEqualTo(new StopStrings.Result("", false));
        assertThat(stops.push("##after")).isEqualTo(new StopStrings.Result("", true));

        assertThat(new StopStrings(List.of("###")).push("###")).isEqualTo(new StopStrings.Result("", true));
    }

    @Test
    void overlappingStopsCutAtTheFirstToComplete() {
        // "bc" completes at the 3rd character, before "abcd" could.
        var stops = new StopStrings(List.of("abcd", "bc"));
        assertThat(stops.push("xab")).isEqualTo(new StopStrings.Result("x", false));
        assertThat(stops.push("cd")).isEqualTo(new StopStrings.Result("a", true));
    }

    @Test
    void amongStopsCompletingTogetherTheLongestIsCut() {
        var stops = new StopStrings(List.of("c", "abc"));
        assertThat(stops.push("zab")).isEqualTo(new StopStrings.Result("z", false));
        assertThat(stops.push("c")).isEqualTo(new StopStrings.Result("", true));
    }

    @Test
    void aStopMayStartInsideAnotherOnesPartialMatch() {
        // "aab": the held "aa" stops matching "aaa" but its suffix "a" + "b" is "ab".
        var stops = new StopStrings(List.of("aaa", "ab"));
        assertThat(stops.push("xaa")).isEqualTo(new StopStrings.Result("x", false));
        assertThat(stops.push("b")).isEqualTo(new StopStrings.Result("a", true));
    }
}
