package dev.sluice.client.producer;

/**
 * Told once when a send completes: {@code metadata} on success, {@code exception} on failure.
 * Runs on the producer's I/O thread: keep it short and never block in it.
 */
@FunctionalInterface
public interface Callback {
    void onCompletion(RecordMetadata metadata, Exception exception);
}
