package io.qwen4j.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses the GGUF model of a repository for a requested quantization, the way {@code llama-cli -hf ORG/REPO:QUANT}
 * and Ollama tags do: each GGUF file (or split set) gets a label from its name, the request matches a label
 * exactly (case-insensitive) before it matches a suffix ({@code Q4_K_XL} for {@code UD-Q4_K_XL}) or, last, a
 * substring of the path; several matches at the best level are an error rather than a guess.
 */
final class QuantPicker {
    /** Used when no quant is asked for: the usual size/quality balance first (Ollama and llama.cpp default to Q4_K_M). */
    static final List<String> DEFAULT_ORDER = List.of("Q4_K_M", "Q4_K_S", "Q4_0", "Q5_K_M", "Q5_K_S", "Q5_0", "Q6_K", "Q8_0", "BF16", "F16", "F32");

    // llama.cpp's split naming (gguf-split): NAME-00001-of-00003.gguf.
    private static final Pattern SPLIT = Pattern.compile("(?i)-(\\d{5})-of-(\\d{5})\\.gguf$");
    private static final Pattern LABEL = Pattern.compile(
            "(?i)(?:^|[-._])((?:UD-)?(?:I?Q[1-8][A-Z0-9_]*|TQ[12][A-Z0-9_]*|MXFP4[A-Z0-9_]*|B?F16|F32))$");

    private QuantPicker() {}

    /** The quantization label of a GGUF path (split suffix ignored), upper case; the stem when no quant is visible. */
    static String label(String path) {
        String p = SPLIT.matcher(path).replaceFirst(".gguf");
        String[] parts = p.split("/");
        String stem = parts[parts.length - 1].replaceFirst("(?i)\\.gguf$", "");
        Matcher m = LABEL.matcher(stem);
        if (m.find()) return m.group(1).toUpperCase(Locale.ROOT);
        // Some repositories put each quant in a folder (Q4_K_M/model-00001-of-00002.gguf).
        if (parts.length > 1) {
            Matcher dir = LABEL.matcher(parts[parts.length - 2]);
            if (dir.find()) return dir.group(1).toUpperCase(Locale.ROOT);
        }
        return stem.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static boolean isModelFile(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        // Vision projectors and importance matrices are GGUF files too, but not language models.
        return lower.endsWith(".gguf") && !lower.contains("mmproj") && !lower.contains("imatrix");
    }

    /** The labels that match {@code requested} at the best matching level (exact, suffix, substring); may be several. */
    static List<String> matching(Collection<String> labels, String requested) {
        String q = requested.toUpperCase(Locale.ROOT);
        var exact = labels.stream().filter(l -> l.equals(q)).toList();
        if (!exact.isEmpty()) return exact;
        var suffix = labels.stream().filter(l -> l.endsWith("-" + q)).toList();
        if (!suffix.isEmpty()) return suffix;
        return labels.stream().filter(l -> l.contains(q)).toList();
    }

    /** The label to use when none was asked for, or empty when the choice is not obvious. */
    static Optional<String> preferred(Collection<String> labels) {
        for (String d : DEFAULT_ORDER) if (labels.contains(d)) return Optional.of(d);
        return labels.size() == 1 ? Optional.of(labels.iterator().next()) : Optional.empty();
    }

    /** Picks the model for {@code requested} (null: the default) among a repository's files. */
    static RepoModel pick(String repo, List<RepoFile> files, String requested) throws HubException {
        var groups = new TreeMap<String, List<RepoFile>>();
        for (RepoFile f : files) {
            if (isModelFile(f.path())) groups.computeIfAbsent(label(f.path()), k -> new ArrayList<>()).add(f);
        }
        if (groups.isEmpty()) throw new HubException("repository " + repo + " has no GGUF model files");
        String available = String.join(", ", groups.keySet());
        String chosen;
        if (requested == null) {
            chosen = preferred(groups.keySet()).orElseThrow(() -> new HubException(
                    "repository " + repo + " holds several models; add one of these quants to the name (" + repo + ":QUANT): " + available));
        } else {
            var matches = matching(groups.keySet(), requested);
            if (matches.isEmpty()) {
                throw new HubException("no " + requested + " file in repository " + repo + "; available: " + available);
            }
            if (matches.size() > 1) {
                throw new HubException("quant " + requested + " matches several models in " + repo + ": "
                        + String.join(", ", matches) + "; say which one");
            }
            chosen = matches.getFirst();
        }
        return new RepoModel(repo, chosen, ordered(repo, chosen, groups.get(chosen)));
    }

    /** A single file, or all parts of one split set in part order; anything else is an error that names the files. */
    private static List<RepoFile> ordered(String repo, String label, List<RepoFile> files) throws HubException {
        var sets = new TreeMap<String, Map<Integer, RepoFile>>();
        var counts = new TreeMap<String, Integer>();
        for (RepoFile f : files) {
            Matcher m = SPLIT.matcher(f.path());
            boolean split = m.find();
            String key = split ? f.path().substring(0, m.start()) : f.path();
            int part = split ? Integer.parseInt(m.group(1)) : 0;
            int count = split ? Integer.parseInt(m.group(2)) : 0;
            sets.computeIfAbsent(key, k -> new TreeMap<>()).put(part, f);
            counts.put(key, count);
        }
        if (sets.size() > 1) {
            throw new HubException("quant " + label + " names several files in " + repo + ": "
                    + String.join(", ", files.stream().map(RepoFile::path).toList()));
        }
        String key = sets.firstKey();
        var parts = sets.get(key);
        int count = counts.get(key);
        if (count == 0) return List.copyOf(parts.values());
        for (int i = 1; i <= count; i++) {
            if (!parts.containsKey(i)) {
                throw new HubException("split model " + key + " in " + repo + " is incomplete: part " + i + " of " + count + " is missing");
            }
        }
        if (parts.size() != count) throw new HubException("split model " + key + " in " + repo + " has parts beyond " + count);
        return List.copyOf(parts.values());
    }
}
