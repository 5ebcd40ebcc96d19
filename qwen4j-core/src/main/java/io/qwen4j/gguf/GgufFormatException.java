package io.qwen4j.gguf;

import java.io.IOException;

/** A GGUF file that is malformed or does not hold what was asked of it; the message says what and where. */
public class GgufFormatException extends IOException {
    public GgufFormatException(String message) {
        super(message);
    }
}
