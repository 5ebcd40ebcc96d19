package io.qwen4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OracleJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stringsAsJavaScriptWritesThem() {
        assertThat(OracleJson.line("a\"b\\c\b\f\n\r\t\u0000\u001f é😀")).isEqualTo("\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0000\\u001f é😀\"");
        // lone surrogates escaped (JSON.stringify since ES2019); a pair stays as it is
        assertThat(OracleJson.line("\ud800x\udc00\ud83d\ude00")).isEqualTo("\"\\ud800x\\udc00😀\"");
        // one-line records: what line splitters break on is escaped, the document form keeps it
        assertThat(OracleJson.line("\u007f\u0085\u009f\u00a0\u2028\u2029")).isEqualTo("\"\\u007f\\u0085\\u009f\u00a0\\u2028\\u2029\"");
        assertThat(OracleJson.document("\u0085\u2028")).isEqualTo("\"\u0085\u2028\"\n");
        assertThat(OracleJson.line(new int[] {})).isEqualTo("[]");
        assertThat(OracleJson.line(new int[] {1, 22, 333})).isEqualTo("[1,22,333]");
    }

    @Test
    void documentsIndentByOneSpaceLikeJsonStringifyAndPythonJsonDump() {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("cases", List.of(Map.of("id", "x"), Map.of()));
        doc.put("empty", List.of());
        doc.put("n", 7);
        doc.put("b", true);
        doc.put("z", null);
        assertThat(OracleJson.document(doc)).isEqualTo("""
                {
                 "cases": [
                  {
                   "id": "x"
                  },
                  {}
                 ],
                 "empty": [],
                 "n": 7,
                 "b": true,
                 "z": null
                }
                """);
    }

    @Test
    void anyStringReadsBackTheSame() throws Exception {
        var random = new Random(3);
        for (int n = 0; n < 2000; n++) {
            var sb = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                sb.append(switch (random.nextInt(4)) {
                    case 0 -> (char) random.nextInt(0x100);
                    case 1 -> (char) (0xd800 + random.nextInt(0x800)); // surrogates, paired or not
                    case 2 -> (char) random.nextInt(0x10000);
                    default -> "\"\\\u2028";
                });
            }
            String s = sb.toString();
            String line = OracleJson.line(s);
            assertThat(JSON.readValue(line, String.class)).isEqualTo(s);
            assertThat(line.chars().filter(c -> c < 0x20 || c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029)).isEmpty();
        }
    }
}
