package dev.sluice.client.producer;

/**
 * Where an acknowledged record was written. {@code offset} is -1 with {@code acks=0} (no answer)
 * and for a retried batch the broker recognised as a duplicate; {@code timestamp} is the broker's
 * LogAppendTime for topics configured so, else the record's CreateTime.
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp,
                             int serializedKeySize, int serializedValueSize) {
}
