package io.qwen4j.engine;

/** Every slot is busy and the waiting queue is full: the caller should retry later (HTTP 503). */
public final class QueueFullException extends IllegalStateException {
    public QueueFullException(int slots, int queueCapacity) {
        super("the server is busy: all " + slots + " slots are generating and " + queueCapacity
                + " requests are already waiting; retry later");
    }
}
