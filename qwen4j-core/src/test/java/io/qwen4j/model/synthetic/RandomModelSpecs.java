package io.qwen4j.model.synthetic;

import io.qwen4j.tensor.GgmlType;

/** Reads a random model's shape from the columns of the golden-data case tables (see conformance/cases.tsv). */
public final class RandomModelSpecs {
    private RandomModelSpecs() {}

    /** Columns 1..12 of a case line: arch, type, hidden, layers, heads, kv_heads, head_dim, ffn, vocab, tied, seed, std. */
    public static RandomModelWriter.Spec parse(String[] f) {
        return RandomModelWriter.Spec.tinyQwen3()
                .withArchitecture(f[1])
                .withType(GgmlType.valueOf(f[2]))
                .withShape(Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                        Integer.parseInt(f[6]), Integer.parseInt(f[7]), Integer.parseInt(f[8]))
                .withVocab(Integer.parseInt(f[9]))
                .withTied(Boolean.parseBoolean(f[10]))
                .withSeed(Long.parseLong(f[11]))
                .withStd(Float.parseFloat(f[12]));
    }
}
