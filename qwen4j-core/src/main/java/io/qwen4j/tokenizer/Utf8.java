package io.qwen4j.tokenizer;

/**
 * UTF-8 decoding that replaces each maximal invalid subsequence with one U+FFFD, exactly as Rust's
 * {@code String::from_utf8_lossy} (and so HF {@code tokenizers}' ByteLevel decoder) does. The JDK's decoder
 * differs on some inputs (it turns an encoded surrogate {@code ED A0 80} into one U+FFFD, Rust into three).
 */
final class Utf8 {
    private Utf8() {}

    /** The text of {@code bytes[0, length)}, with U+FFFD for each maximal invalid subsequence. */
    static String decodeLossy(byte[] bytes, int length) {
        var out = new StringBuilder(length);
        int i = 0;
        while (i < length) {
            int b0 = bytes[i] & 0xFF;
            if (b0 < 0x80) {
                int j = i + 1; // copy an ASCII run at once
                while (j < length && bytes[j] >= 0) {
                    j++;
                }
                for (int k = i; k < j; k++) {
                    out.append((char) bytes[k]);
                }
                i = j;
                continue;
            }
            int valid = validPrefix(bytes, i, length);
            int width = width(b0);
            if (width > 0 && valid == width) {
                int cp = b0 & (0xFF >> (width + 1));
                for (int k = 1; k < width; k++) {
                    cp = cp << 6 | bytes[i + k] & 0x3F;
                }
                out.appendCodePoint(cp);
                i += width;
            } else {
                out.append('\uFFFD');
                i += Math.max(valid, 1);
            }
        }
        return out.toString();
    }

    /**
     * How many trailing bytes of {@code bytes[0, length)} are the start of a character that later bytes could
     * still complete (0 if none). Cutting there never changes what {@link #decodeLossy} gives.
     */
    static int incompleteTail(byte[] bytes, int length) {
        for (int back = 1; back <= 3 && back <= length; back++) {
            int start = length - back;
            int b0 = bytes[start] & 0xFF;
            if (b0 < 0x80 || b0 >= 0xC0) { // the last non-continuation byte
                int width = width(b0);
                return width > back && validPrefix(bytes, start, length) == back ? back : 0;
            }
        }
        return 0;
    }

    /** Sequence length announced by a lead byte, 0 for a byte that cannot start one. */
    private static int width(int b0) {
        return b0 < 0x80 ? 1 : b0 < 0xC2 ? 0 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : b0 < 0xF5 ? 4 : 0;
    }

    /**
     * Length of the longest prefix of the sequence at {@code i} that is a prefix of some well-formed
     * character (the Unicode "maximal subpart"); 0 if the byte at {@code i} cannot start one.
     */
    private static int validPrefix(byte[] bytes, int i, int length) {
        int b0 = bytes[i] & 0xFF;
        int width = width(b0);
        if (width <= 1) {
            return width;
        }
        if (i + 1 >= length) {
            return 1;
        }
        int b1 = bytes[i + 1] & 0xFF;
        // the second byte's range depends on the lead byte (Unicode Table 3-7): no overlongs, surrogates,
        // or code points past U+10FFFF
        int lo = b0 == 0xE0 ? 0xA0 : b0 == 0xF0 ? 0x90 : 0x80;
        int hi = b0 == 0xED ? 0x9F : b0 == 0xF4 ? 0x8F : 0xBF;
        if (b1 < lo || b1 > hi) {
            return 1;
        }
        int k = 2;
        while (k < width && i + k < length && (bytes[i + k] & 0xC0) == 0x80) {
            k++;
        }
        return k;
    }
}
