package io.qwen4j.hub;

import java.io.IOException;

/** A pull or store operation that failed for a reason a user can act on; the message is one complete line. */
public final class HubException extends IOException {
    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
