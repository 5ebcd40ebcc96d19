package io.qwen4j.quantize;

import io.qwen4j.tensor.GgmlType;
import java.util.Arrays;
import java.util.Locale;

/**
 * A quantization target as llama-quantize names it: the base type of the 2-D weights and the {@code llama_ftype}
 * recorded as general.file_type (llama.h). The _S and _M mixes give some tensors more bits
 * ({@link TensorTypeChooser}); Q4_K and Q5_K are llama-quantize's aliases of Q4_K_M and Q5_K_M.
 */
public enum Recipe {
    Q4_0(GgmlType.Q4_0, 2),
    Q8_0(GgmlType.Q8_0, 7),
    Q4_K_S(GgmlType.Q4_K, 14),
    Q4_K_M(GgmlType.Q4_K, 15),
    Q5_K_S(GgmlType.Q5_K, 16),
    Q5_K_M(GgmlType.Q5_K, 17),
    Q6_K(GgmlType.Q6_K, 18);

    /** The type of every 2-D weight the mix does not single out. */
    public final GgmlType baseType;
    /** llama_ftype, written as general.file_type. */
    public final int fileType;

    Recipe(GgmlType baseType, int fileType) {
        this.baseType = baseType;
        this.fileType = fileType;
    }

    /** The recipe named {@code name} (case-insensitive), accepting llama-quantize's aliases Q4_K and Q5_K. */
    public static Recipe parse(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        return switch (n) {
            case "Q4_K" -> Q4_K_M;
            case "Q5_K" -> Q5_K_M;
            default -> Arrays.stream(values()).filter(r -> r.name().equals(n)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("unknown quantization type '" + name + "' (supported: Q8_0, Q4_0, Q4_K, Q5_K, Q6_K, "
                            + "Q4_K_S, Q4_K_M, Q5_K_S, Q5_K_M)"));
        };
    }
}
