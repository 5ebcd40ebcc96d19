package io.qwen4j.gguf;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A metadata value. Representation of {@code value}: every integer type as {@link Long} (UINT64 as its raw bits),
 * FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, BOOL as {@link Boolean}, STRING as {@link String}; an ARRAY
 * as an unmodifiable {@link List} of its elements in that representation ({@code elementType} says which), nested
 * arrays as lists of {@link GgufValue}.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("elementType must be given exactly for arrays");
        }
    }

    public static GgufValue ofString(String s) {
        return new GgufValue(GgufValueType.STRING, null, s);
    }

    public static GgufValue ofUInt32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) throw new IllegalArgumentException("not a uint32: " + v);
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, null, (long) v);
    }

    public static GgufValue ofUInt64(long v) {
        return new GgufValue(GgufValueType.UINT64, null, v);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue ofStringArray(List<String> values) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.STRING, List.copyOf(values));
    }

    public static GgufValue ofInt32Array(int[] values) {
        var list = new ArrayList<Long>(values.length);
        for (int v : values) list.add((long) v);
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.INT32, List.copyOf(list));
    }

    public static GgufValue ofFloat32Array(float[] values) {
        var list = new ArrayList<Float>(values.length);
        for (float v : values) list.add(v);
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT32, List.copyOf(list));
    }

    public static GgufValue ofArray(GgufValueType elementType, List<?> values) {
        return new GgufValue(GgufValueType.ARRAY, elementType, List.copyOf(values));
    }

    /** A short human-readable form: strings quoted, arrays shortened to {@code maxItems} items. */
    public String display(int maxItems) {
        if (type != GgufValueType.ARRAY) return scalar(type, value);
        List<?> list = (List<?>) value;
        var sb = new StringBuilder("[").append(list.size()).append(" x ").append(elementType);
        if (!list.isEmpty()) sb.append(": ");
        for (int i = 0; i < Math.min(maxItems, list.size()); i++) {
            if (i > 0) sb.append(", ");
            Object o = list.get(i);
            sb.append(o instanceof GgufValue v ? v.display(maxItems) : scalar(elementType, o));
        }
        if (list.size() > maxItems) sb.append(", ...");
        return sb.append(']').toString();
    }

    private static String scalar(GgufValueType t, Object v) {
        return switch (t) {
            case STRING -> {
                String s = (String) v;
                if (s.length() > 120) s = s.substring(0, 120) + "...(" + ((String) v).length() + " chars)";
                yield '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
            }
            case UINT64 -> Long.toUnsignedString((Long) v);
            default -> String.valueOf(v);
        };
    }
}
