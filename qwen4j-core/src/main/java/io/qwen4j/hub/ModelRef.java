package io.qwen4j.hub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model named by its Hugging Face repository and, optionally, a quantization: {@code hf.co/ORG/REPO[:QUANT]},
 * {@code huggingface.co/ORG/REPO[:QUANT]}, {@code ORG/REPO[:QUANT]} (llama.cpp's {@code -hf} syntax), or a short
 * alias such as {@code qwen3:0.6b} (Ollama's names; table in {@code aliases.txt}), optionally with a quant suffix
 * {@code qwen3:8b-q8_0}.
 *
 * @param repo  {@code ORG/REPO}
 * @param quant the requested quantization as typed (case kept), or null to let the resolver choose
 * @param alias the short name this reference came from, or null
 */
public record ModelRef(String repo, String quant, String alias) {

    // Hugging Face repo ids: letters, digits, '-', '_', '.'; neither part may be "." or ".." (we build paths from them).
    private static final String NAME = "[A-Za-z0-9_][A-Za-z0-9._-]{0,95}";
    private static final Pattern REPO = Pattern.compile(NAME + "/" + NAME);
    private static final Pattern QUANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** What a quantization suffix of an alias must look like, so that {@code qwen3-foo} is not read as qwen3 + quant "foo". */
    private static final Pattern QUANT_LIKE = Pattern.compile("(?i)(ud-)?(i?q[1-8]|tq[12]|mxfp4|b?f16|f32)[a-z0-9_]*");
    private static final Pattern HOST_PREFIX = Pattern.compile("(?i)^(https?://)?(hf\\.co|huggingface\\.co)/");

    public ModelRef {
        if (!REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("not a Hugging Face repository id (ORG/REPO): '" + repo + "'");
        }
        if (quant != null && !QUANT.matcher(quant).matches()) {
            throw new IllegalArgumentException("not a quantization name: '" + quant + "' (e.g. Q4_K_M, Q8_0)");
        }
    }

    /** Parses a reference; the message of the exception says what forms are accepted. */
    public static ModelRef parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("not a model reference: '" + text
                + "'; use hf.co/ORG/REPO[:QUANT], ORG/REPO[:QUANT] or a short name (" + String.join(", ", Aliases.TABLE.keySet()) + ")"));
    }

    /** The reference this text names, or empty when it is not one (for example a file path). */
    public static Optional<ModelRef> tryParse(String text) {
        String s = text.strip();
        var alias = Aliases.lookup(s);
        if (alias.isPresent()) return alias;
        boolean explicitHost = HOST_PREFIX.matcher(s).find();
        s = HOST_PREFIX.matcher(s).replaceFirst("");
        String quant = null;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            quant = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (!QUANT.matcher(quant).matches()) return Optional.empty();
        }
        // A bare ORG/REPO ending in .gguf is far more likely a missing file than a repository.
        if (!explicitHost && s.toLowerCase(Locale.ROOT).endsWith(".gguf")) return Optional.empty();
        if (!REPO.matcher(s).matches() || s.contains("..")) return Optional.empty();
        return Optional.of(new ModelRef(s, quant, null));
    }

    public String org() {
        return repo.substring(0, repo.indexOf('/'));
    }

    public String name() {
        return repo.substring(repo.indexOf('/') + 1);
    }

    public ModelRef withQuant(String q) {
        return new ModelRef(repo, q, alias);
    }

    /** The canonical spelling, {@code hf.co/ORG/REPO[:QUANT]}. */
    @Override
    public String toString() {
        return "hf.co/" + repo + (quant != null ? ":" + quant : "");
    }

    /** The alias table, read once from {@code aliases.txt}: name, repository, default quant per line. */
    static final class Aliases {
        static final Map<String, ModelRef> TABLE = load();

        private Aliases() {}

        static Optional<ModelRef> lookup(String text) {
            String key = text.toLowerCase(Locale.ROOT);
            var exact = TABLE.get(key);
            if (exact != null) return Optional.of(exact);
            // Ollama's tag style for another quant of the same model: qwen3:8b-q8_0.
            int dash = key.lastIndexOf('-');
            while (dash > 0) {
                var base = TABLE.get(key.substring(0, dash));
                String quant = text.substring(dash + 1);
                if (base != null && QUANT_LIKE.matcher(quant).matches()) {
                    return Optional.of(new ModelRef(base.repo(), quant.toUpperCase(Locale.ROOT), text));
                }
                dash = key.lastIndexOf('-', dash - 1);
            }
            return Optional.empty();
        }

        private static Map<String, ModelRef> load() {
            var table = new LinkedHashMap<String, ModelRef>();
            try (var in = ModelRef.class.getResourceAsStream("aliases.txt")) {
                if (in == null) throw new IllegalStateException("aliases.txt missing from the qwen4j-core jar");
                var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = reader.readLine()) != null; ) {
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#")) continue;
                    String[] f = line.split("\\s+");
                    if (f.length != 3) throw new IllegalStateException("aliases.txt: expected 'name repo quant', got: " + line);
                    table.put(f[0], new ModelRef(f[1], f[2], f[0]));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return java.util.Collections.unmodifiableMap(table);
        }
    }
}
