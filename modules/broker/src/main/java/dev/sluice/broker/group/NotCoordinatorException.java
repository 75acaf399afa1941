package dev.sluice.broker.group;

/**
 * A group's offsets were written or read on a broker that no longer coordinates it: its
 * {@code __consumer_offsets} partition is not loaded here (leadership moved). Answered as
 * NOT_COORDINATOR, so the client looks the coordinator up again.
 */
public final class NotCoordinatorException extends RuntimeException {
    public NotCoordinatorException(String message) {
        super(message);
    }
}
