package dev.sluice.client.consumer;

/** An offset found by a lookup and the timestamp of the record there (-1 when not by time). */
public record OffsetAndTimestamp(long offset, long timestamp) {
}
