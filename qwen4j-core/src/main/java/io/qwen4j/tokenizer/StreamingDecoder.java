package io.qwen4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns generated tokens into text as they come. A token may end inside a UTF-8 character (byte tokens,
 * emoji and CJK split over several tokens); those bytes are held back until the character completes, so
 * every returned string is whole characters and the concatenation of all returned strings equals
 * {@link Tokenizer#decode} of all the ids. Not thread-safe: one per generation.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private byte[] pending = new byte[16];
    private int length;

    StreamingDecoder(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The text this token completes; "" while a character is still incomplete. Unknown ids add nothing. */
    public String next(int id) {
        byte[] bytes = tokenizer.tokenBytesShared(id);
        if (bytes == null || bytes.length == 0) {
            return "";
        }
        if (length + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, length, bytes.length);
        length += bytes.length;
        return take(completeLength());
    }

    /** Whatever is held back, malformed bytes as U+FFFD; the decoder is empty afterwards. */
    public String flush() {
        return take(length);
    }

    /**
     * Length of the prefix that can be decoded now: all but a trailing lead byte whose sequence is not yet
     * complete. The cut is always before a non-continuation byte, where a UTF-8 decoder starts afresh, so
     * decoding the parts separately gives the same text as decoding the whole.
     */
    private int completeLength() {
        int k = length - 1;
        while (k >= 0 && length - k <= 3 && (pending[k] & 0xC0) == 0x80) {
            k--;
        }
        if (k < 0 || (pending[k] & 0xC0) == 0x80) {
            return length;
        }
        int lead = pending[k] & 0xFF;
        int needed = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 1;
        return needed > length - k ? k : length;
    }

    private String take(int n) {
        if (n == 0) {
            return "";
        }
        String text = new String(pending, 0, n, StandardCharsets.UTF_8);
        System.arraycopy(pending, n, pending, 0, length - n);
        length -= n;
        return text;
    }
}
