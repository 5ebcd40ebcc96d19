package io.qwen4j.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesTheTreeApiShape() {
        var v = Json.parse("""
                [{"type":"file","size":12,"path":"a \\"b\\".gguf","lfs":{"oid":"x","size":3.5e2}},
                 {"type":"directory","ok":true,"none":null,"n":-1,"s":"\\u00e9\\n"}]""", "test");
        var second = new java.util.HashMap<String, Object>(Map.of("type", "directory", "ok", true, "n", -1L, "s", "é\n"));
        second.put("none", null);
        assertThat(v).isEqualTo(List.of(
                Map.of("type", "file", "size", 12L, "path", "a \"b\".gguf", "lfs", Map.of("oid", "x", "size", 350.0)),
                second));
    }

    @Test
    void malformedInputIsAClearError() {
        for (String bad : new String[] {"[", "{\"a\" 1}", "[1,]", "tru", "[1] x", "\"abc", "{\"a\":-}"}) {
            assertThatThrownBy(() -> Json.parse(bad, "the listing")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("malformed JSON in the listing");
        }
    }

    @Property
    void quotedStringsRoundTrip(@ForAll String s) {
        assertThat(Json.parse(Json.quote(s), "quoted")).isEqualTo(s);
    }
}
