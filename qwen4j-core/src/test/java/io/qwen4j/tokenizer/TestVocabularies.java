package io.qwen4j.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Test data shared by the tokenizer tests: the real Qwen3 vocabulary (see resources/tokenizer/README.md). */
public final class TestVocabularies {
    private TestVocabularies() {}

    /** Loaded once per JVM; the tokenizer is immutable, so tests can share it. */
    private static final class Qwen3 {
        static final Vocabulary VOCABULARY = load("/tokenizer/qwen3-vocab.txt.gz");
        static final Tokenizer TOKENIZER = Tokenizer.create(VOCABULARY);
    }

    static Vocabulary qwen3Vocabulary() {
        return Qwen3.VOCABULARY;
    }

    public static Tokenizer qwen3() {
        return Qwen3.TOKENIZER;
    }

    static InputStream resource(String name) {
        var in = TestVocabularies.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        return in;
    }

    static String resourceText(String name) {
        try (var in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Vocabulary load(String name) {
        try (var reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(resource(name)), StandardCharsets.UTF_8))) {
            var header = new HashMap<String, String>();
            String line;
            while (!(line = reader.readLine()).startsWith("tokens ")) {
                int space = line.indexOf(' ');
                header.put(line.substring(0, space), line.substring(space + 1));
            }
            int count = Integer.parseInt(line.substring("tokens ".length()));
            var tokens = new ArrayList<String>(count);
            int[] types = new int[count];
            for (int i = 0; i < count; i++) {
                line = reader.readLine();
                int tab = line.indexOf('\t');
                types[i] = Integer.parseInt(line.substring(0, tab));
                tokens.add(unescape(line.substring(tab + 1)));
            }
            line = reader.readLine();
            int mergeCount = Integer.parseInt(line.substring("merges ".length()));
            List<String> merges = new ArrayList<>(mergeCount);
            for (int i = 0; i < mergeCount; i++) {
                merges.add(reader.readLine());
            }
            return new Vocabulary(tokens, types, merges, Integer.parseInt(header.get("bos")),
                    Integer.parseInt(header.get("eos")), Integer.parseInt(header.get("eot")),
                    Integer.parseInt(header.get("pad")), Boolean.parseBoolean(header.get("add_bos")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        var out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            out.append(switch (e) {
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                default -> e;
            });
        }
        return out.toString();
    }
}
