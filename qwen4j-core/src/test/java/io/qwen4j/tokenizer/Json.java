package io.qwen4j.tokenizer;

import java.util.Arrays;
import java.util.stream.Stream;

/** Just enough JSON for the test data: one string or one array of ints per line. */
final class Json {
    private Json() {}

    static Stream<String> lines(String text) {
        return text.lines().filter(l -> !l.isEmpty());
    }

    static int[] parseIntArray(String line) {
        String body = line.trim();
        body = body.substring(1, body.length() - 1).trim();
        return body.isEmpty() ? new int[0] : Arrays.stream(body.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    static String parseString(String line) {
        String s = line.trim();
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            throw new IllegalArgumentException("not a JSON string: " + line);
        }
        var out = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e); // \" \\ \/
            }
        }
        return out.toString();
    }
}
