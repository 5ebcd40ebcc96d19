package io.qwen4j.tokenizer;

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
     * Length of the prefix that can be decoded now: all but a trailing start of a character that later bytes
     * may complete. The cut is before a lead byte, where a UTF-8 decoder starts afresh, so decoding the parts
     * separately gives the same text as decoding the whole.
     */
    private int completeLength() {
        return length - Utf8.incompleteTail(pending, length);
    }

    private String take(int n) {
        if (n == 0) {
            return "";
        }
        String text = Utf8.decodeLossy(pending, n);
        System.arraycopy(pending, n, pending, 0, length - n);
        length -= n;
        return text;
    }
}
