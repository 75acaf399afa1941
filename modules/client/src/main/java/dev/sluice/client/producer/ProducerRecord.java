package dev.sluice.client.producer;

import dev.sluice.api.record.Header;

import java.util.List;
import java.util.Objects;

/**
 * A record to send. {@code partition} null lets the partitioner choose; {@code timestamp} null
 * means "now" (CreateTime). Key, value and header values are raw bytes and may be null.
 */
public record ProducerRecord(String topic, Integer partition, Long timestamp, byte[] key, byte[] value,
                             List<Header> headers) {
    public ProducerRecord {
        Objects.requireNonNull(topic, "topic");
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, was " + partition);
        }
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("timestamp must be >= 0, was " + timestamp);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public static ProducerRecord of(String topic, byte[] key, byte[] value) {
        return new ProducerRecord(topic, null, null, key, value, List.of());
    }

    public static ProducerRecord of(String topic, byte[] value) {
        return new ProducerRecord(topic, null, null, null, value, List.of());
    }

    public ProducerRecord withPartition(int p) {
        return new ProducerRecord(topic, p, timestamp, key, value, headers);
    }

    public ProducerRecord withTimestamp(long ts) {
        return new ProducerRecord(topic, partition, ts, key, value, headers);
    }

    public ProducerRecord withHeaders(List<Header> h) {
        return new ProducerRecord(topic, partition, timestamp, key, value, h);
    }
}
