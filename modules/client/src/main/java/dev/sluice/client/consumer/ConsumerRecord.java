package dev.sluice.client.consumer;

import dev.sluice.api.record.Header;
import dev.sluice.api.record.TimestampType;

import java.util.List;

/** A record as read from a partition, with its offset and timestamp. Key and value may be null. */
public record ConsumerRecord(String topic, int partition, long offset, long timestamp, TimestampType timestampType,
                             byte[] key, byte[] value, List<Header> headers) {
}
