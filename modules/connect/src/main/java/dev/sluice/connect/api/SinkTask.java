package dev.sluice.connect.api;

import dev.sluice.api.storage.TopicPartition;

import java.util.Collection;
import java.util.Map;

/**
 * Writes records to another system, on the task's thread. The worker commits the consumer offsets
 * of what {@link #put} took only after {@link #flush} returned, so a sink that buffers must write in
 * flush. Throwing {@link RetriableException} from put makes the worker hand the same batch again
 * after a backoff.
 */
public non-sealed interface SinkTask extends Task {
    default void initialize(SinkTaskContext context) {
    }

    void put(Collection<SinkRecord> records);

    /** Make everything put so far durable. */
    default void flush(Map<TopicPartition, Long> offsets) {
    }

    default void open(Collection<TopicPartition> partitions) {
    }

    default void close(Collection<TopicPartition> partitions) {
    }
}
