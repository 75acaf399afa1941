package dev.sluice.streams.processor;

/** The input record being processed: topic, partition, offset. */
public record RecordMetadata(String topic, int partition, long offset) {
}
