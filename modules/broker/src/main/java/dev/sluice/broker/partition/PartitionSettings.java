package dev.sluice.broker.partition;

import dev.sluice.api.record.TimestampType;

/**
 * Produce-time rules of a topic.
 *
 * @param timestampType   {@code message.timestamp.type}
 * @param maxMessageBytes {@code max.message.bytes}: the largest batch accepted
 */
public record PartitionSettings(TimestampType timestampType, int maxMessageBytes) {
}
